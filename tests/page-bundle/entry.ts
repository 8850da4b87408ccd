// Not type-checked with tests/ (it is the extension's code, checked there). Bundled by tests/e2e/page-safety.test.ts with esbuild and run in a real page: the content script's fill, as is.
import { isSafeField } from '../../extension/page/field-safety.ts';
import { fillPage } from '../../extension/page/fill-page.ts';

Object.assign(window, { twostep: { fillPage, isSafeField } });
