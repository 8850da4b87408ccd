import { render } from 'preact';
import { DashboardApp } from '@/views/dashboard/dashboard-app.tsx';
import '@/views/tokens.css';
import './style.css';

render(<DashboardApp />, document.getElementById('app') as HTMLElement);
