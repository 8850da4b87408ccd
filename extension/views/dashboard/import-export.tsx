import type { ImportResult } from '@twostep/shared';
import { useState } from 'preact/hooks';
import { importChunkRows } from '@/messages/dashboard-intents.ts';
import type { Ask } from '@/messages/intents.ts';
import { problemText } from '@/views/problem-text.ts';
import {
  fileLine,
  guessMapping,
  importChunks,
  importColumns,
  type Mapping,
  type ParsedFile,
  parseImportFile,
  templateCsv,
} from './import-chunks.ts';
import { count } from './labels.ts';

const previewRows = 5;
const errorsShown = 100;

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

type Progress = { sent: number; total: number; result: ImportResult; done: boolean; problem?: string };

function Preview({ file, mapping, onMap }: { file: ParsedFile; mapping: Mapping; onMap: (m: Mapping) => void }) {
  return (
    <div class="matrix-wrap">
      <table class="table" aria-label="Preview">
        <thead>
          <tr>
            {importColumns.map((column) => (
              <th key={column}>
                <label>
                  {column}
                  <select
                    aria-label={`File column for ${column}`}
                    value={mapping[column]}
                    onChange={(e) => onMap({ ...mapping, [column]: Number(e.currentTarget.value) })}
                  >
                    <option value={-1}>(none)</option>
                    {file.header.map((name, i) => (
                      <option key={name} value={i}>
                        {name || `column ${i + 1}`}
                      </option>
                    ))}
                  </select>
                </label>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {file.rows.slice(0, previewRows).map((row, r) => (
            <tr key={file.lines[r]}>
              {importColumns.map((column) => (
                <td key={column}>{mapping[column] < 0 ? '' : row[mapping[column]]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** CSV in (pick or drop, preview and map, import in chunks with a real progress bar) and the findings CSV out. */
export function ImportExport({ ask }: { ask: Ask }) {
  const [file, setFile] = useState<(ParsedFile & { name: string }) | null>(null);
  const [mapping, setMapping] = useState<Mapping | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [exportNote, setExportNote] = useState('');

  async function pick(picked: File | undefined) {
    if (!picked) return;
    const parsed = parseImportFile(await picked.text());
    setFile({ ...parsed, name: picked.name });
    setMapping(guessMapping(parsed.header));
    setProgress(null);
  }

  async function start() {
    if (!file || !mapping) return;
    const chunks = importChunks(file, mapping, importChunkRows);
    const result: ImportResult = { created: 0, skipped: 0, errors: [] };
    let sent = 0;
    setProgress({ sent, total: file.rows.length, result, done: false });
    for (const chunk of chunks) {
      const reply = await ask('dashboard.importChunk', { csv: chunk.csv });
      if (!reply.ok)
        return setProgress({ sent, total: file.rows.length, result, done: true, problem: problemText(reply.problem) });
      result.created += reply.data.created;
      result.skipped += reply.data.skipped;
      result.errors.push(...reply.data.errors.map((error) => ({ ...error, line: fileLine(chunk, error.line) })));
      sent += chunk.lines.length;
      setProgress({ sent, total: file.rows.length, result: { ...result }, done: false });
    }
    setProgress({ sent, total: file.rows.length, result, done: true });
  }

  async function exportCsv() {
    setExportNote('Preparing the CSV…');
    const reply = await ask('dashboard.reportCsv', {});
    if (!reply.ok) return setExportNote(problemText(reply.problem));
    download(reply.data.filename, reply.data.csv);
    setExportNote(`Downloaded ${reply.data.filename}.`);
  }

  const missing = mapping && (mapping.platform < 0 || mapping.handle < 0);
  const running = progress !== null && !progress.done;
  return (
    <section class="stack" aria-labelledby="import-title">
      <h2 id="import-title">Import accounts</h2>
      <p>
        A CSV with the columns {importColumns.join(', ')}: platform and handle are needed, the rest may be empty.
        Accounts already on file are skipped.{' '}
        <button type="button" class="link" onClick={() => download('twostep-import-template.csv', templateCsv)}>
          Download the template
        </button>
      </p>
      <label
        class="drop"
        onDragOver={(event) => event.preventDefault()}
        onDrop={(event) => {
          event.preventDefault();
          void pick(event.dataTransfer?.files[0]);
        }}
      >
        Drop a CSV file here, or pick one:{' '}
        <input type="file" accept=".csv,text/csv" onChange={(e) => pick(e.currentTarget.files?.[0])} />
      </label>
      {file && mapping && (
        <>
          <p>
            <strong>{file.name}</strong>: {count(file.rows.length)} rows. The first{' '}
            {Math.min(previewRows, file.rows.length)}, as they will be imported:
          </p>
          <Preview file={file} mapping={mapping} onMap={setMapping} />
          {missing && <p class="error">Pick the file's columns for platform and handle.</p>}
          <button type="button" class="primary" disabled={Boolean(missing) || running} onClick={start}>
            Import {count(file.rows.length)} rows
          </button>
        </>
      )}
      {progress && (
        <div class="stack" aria-live="polite">
          <progress max={progress.total} value={progress.sent} aria-label="Import progress" />
          <p data-testid="import-progress">
            {count(progress.sent)} of {count(progress.total)} rows sent
            {progress.done && !progress.problem ? ': done.' : '…'}
          </p>
          <p data-testid="import-result">
            <strong>{count(progress.result.created)}</strong> created, <strong>{count(progress.result.skipped)}</strong>{' '}
            skipped, <strong>{count(progress.result.errors.length)}</strong> with errors
          </p>
          {progress.problem && (
            <p class="error" role="alert">
              {progress.problem}
            </p>
          )}
          {progress.result.errors.length > 0 && (
            <ul class="errors">
              {progress.result.errors.slice(0, errorsShown).map((error) => (
                <li key={`${error.line}-${error.message}`}>
                  Line {error.line}: {error.message}
                </li>
              ))}
              {progress.result.errors.length > errorsShown && (
                <li>
                  …and {count(progress.result.errors.length - errorsShown)} more. Fix those lines and import again.
                </li>
              )}
            </ul>
          )}
        </div>
      )}
      <h2>Export</h2>
      <p>
        Every finding of the two-step report as CSV (kind, severity, platform, handle, client, phone, member, message).{' '}
        <button type="button" onClick={exportCsv}>
          Download findings CSV
        </button>{' '}
        <span class="meta" role="status">
          {exportNote}
        </span>
      </p>
    </section>
  );
}
