import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

export default defineConfig({
  manifest: {
    name: 'Twostep',
    description: 'Two-step verification for the social accounts your team runs.',
    permissions: ['storage'],
  },
  vite: () => ({ plugins: [preact()] }),
});
