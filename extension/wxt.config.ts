import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

export default defineConfig({
  manifest: {
    name: 'Twostep',
    description: 'Two-step verification for the social accounts your team runs.',
    // activeTab: the URL of the tab the popup was opened on, so its platform's accounts come first. No `tabs`, no
    // host permissions: the only host access is the content script's matches (messages/platform-pages.ts).
    permissions: ['storage', 'activeTab'],
  },
  vite: () => ({ plugins: [preact()] }),
});
