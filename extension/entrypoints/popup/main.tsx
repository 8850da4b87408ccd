import { render } from 'preact';
import { App } from './App.tsx';
import '@/views/tokens.css';
import './style.css';

render(<App />, document.getElementById('app') as HTMLElement);
