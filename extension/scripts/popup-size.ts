// The popup's weight as a browser downloads it: every script and stylesheet popup.html loads, and the chunks those
// scripts import, gzipped. `npm run build` prints it and fails above the budget.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const popupBudgetBytes = 30 * 1024;

export type PopupSize = { files: { path: string; bytes: number; gzipped: number }[]; gzipped: number };

export function popupSize(outputDir: string): PopupSize {
  const html = readFileSync(join(outputDir, 'popup.html'), 'utf8');
  const queue = [...html.matchAll(/(?:src|href)="(\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
  const seen = new Set<string>();
  const files: PopupSize['files'] = [];
  while (queue.length) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const content = readFileSync(join(outputDir, path));
    files.push({ path, bytes: content.length, gzipped: gzipSync(content, { level: 9 }).length });
    if (!path.endsWith('.js')) continue;
    for (const match of content.toString('utf8').matchAll(/(?:from|import)\s*\(?\s*"(\.{0,2}\/[^"]+\.js)"/g)) {
      queue.push(new URL(match[1]!, `file://${path}`).pathname);
    }
  }
  return { files, gzipped: files.reduce((sum, file) => sum + file.gzipped, 0) };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const outputDir = resolve(import.meta.dirname, '../.output/chrome-mv3');
  if (!existsSync(join(outputDir, 'popup.html'))) throw new Error(`No built popup in ${outputDir}: run wxt build`);
  const size = popupSize(outputDir);
  for (const file of size.files) console.log(`  ${file.path}  ${kb(file.bytes)}, ${kb(file.gzipped)} gzipped`);
  console.log(`Popup JS+CSS: ${kb(size.gzipped)} gzipped (budget ${kb(popupBudgetBytes)})`);
  if (size.gzipped > popupBudgetBytes) {
    console.error(`The popup is over its budget by ${kb(size.gzipped - popupBudgetBytes)}.`);
    process.exit(1);
  }
}
