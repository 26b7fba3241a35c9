/**
 * The training records of a claim being prepared: files picked are hashed here (SHA-256), then
 * uploaded a few at a time (announce, PUT with progress, wait until STORED — evidence-upload.ts),
 * each row showing where it stands. A row keeps the key the API issued once its document is
 * STORED; the claim references only those. Removing a row removes the reference only: documents
 * are never deleted.
 *
 * The kind is recorded when the document is announced. It is guessed from the file (a video can
 * only be a training video; scans by name) and may be changed while the row waits; changing it
 * afterwards uploads the file again as a new document — cheap, since only scans (≤ 50 MiB) have a
 * choice of kind.
 */

import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { useApp } from '../context.ts';
import type { CodedField } from '../error-words.ts';
import { formatBytes } from '../format.ts';
import { type I18n, type MessageKey, punct, useI18n } from '../i18n.ts';
import { describeError, Progress, ScrollRegion } from '../ui.tsx';
import { sha256Hex } from './evidence-checksum.ts';
import {
  contentTypeOf,
  DOCUMENT_KINDS,
  type DocumentKind,
  type DocumentReference,
  type DocumentView,
  documentIdOf,
  type FileProblem,
  fileProblem,
  guessKind,
  kindsAccepting,
  PICKER_ACCEPT,
  UploadFailed,
  uploadDocument,
} from './evidence-upload.ts';

/** Uploads at once: enough to hide each one's round trips, few enough to leave the line to them. */
const PARALLEL_UPLOADS = 3;

export type EvidenceFileState = 'queued' | 'uploading' | 'confirming' | 'stored' | 'failed' | 'invalid';

export interface EvidenceFile {
  /** The row's own id in this form. */
  id: number;
  sha256: string;
  kind: DocumentKind;
  state: EvidenceFileState;
  /** The key the API issued, once the document is STORED (rows read back from the claim have it). */
  key?: string;
  /** The file's name and size (for rows read back, once `GET /documents/{id}` has answered). */
  name?: string;
  size?: number;
  contentType?: string;
  /** Bytes sent so far while uploading. */
  sent?: number;
  /** Why the row is `invalid` (refused before announcing) or `failed`. */
  failure?: { problem: FileProblem } | { error: unknown };
  /** The file picked: kept to upload it again. Rows read back from the claim have none. */
  file?: File;
  /** The details of a row read back could not be read. */
  unreadable?: unknown;
}

let rowIds = 0;

const ACTIVE: readonly EvidenceFileState[] = ['queued', 'uploading', 'confirming'];
const FINISHED: readonly EvidenceFileState[] = ['stored', 'failed', 'invalid'];

/** The rows, their uploads and the actions on them. */
export function useEvidenceFiles(cohortId: string, existing: readonly DocumentReference[] | undefined) {
  const { api } = useApp();
  // Uploads run on after the event that started them: the rows live in a ref, and every change
  // re-renders, so the queue always reads the current kind and state.
  const rows = useRef<EvidenceFile[] | null>(null);
  if (rows.current === null)
    rows.current = (existing ?? []).map((reference) => ({ ...reference, id: ++rowIds, state: 'stored' }));
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  const queue = useRef<number[]>([]);
  const running = useRef(0);
  const controllers = useRef(new Map<number, AbortController>());
  /** The rows of the current run of uploads, for the overall bar. */
  const batch = useRef(new Set<number>());
  const [hashing, setHashing] = useState<{ done: number; total: number; hashed: number; bytes: number }>();
  const [duplicates, setDuplicates] = useState<string[]>([]);

  const current = () => rows.current ?? [];
  const update = (change: (all: EvidenceFile[]) => EvidenceFile[]) => {
    rows.current = change(current());
    rerender(undefined);
  };
  const patch = (id: number, values: Partial<EvidenceFile>) =>
    update((all) => all.map((row) => (row.id === id ? { ...row, ...values } : row)));

  // Rows read back from the claim: their names and sizes. Leaving the form stops the uploads.
  useEffect(() => {
    for (const row of current()) {
      const documentId = row.key && !row.file ? documentIdOf(row.key) : undefined;
      if (!documentId) continue;
      api.get<DocumentView>(`/documents/${documentId}`).then(
        (view) => patch(row.id, { name: view.fileName, size: view.sizeBytes, contentType: view.contentType }),
        (error: unknown) => patch(row.id, { unreadable: error }),
      );
    }
    return () => {
      for (const controller of controllers.current.values()) controller.abort();
    };
  }, []);

  const send = async (row: EvidenceFile, file: File) => {
    const controller = new AbortController();
    controllers.current.set(row.id, controller);
    patch(row.id, { state: 'uploading', sent: 0 });
    try {
      const { key } = await uploadDocument(
        api,
        { cohortId, file, kind: row.kind, sha256: row.sha256 },
        {
          signal: controller.signal,
          onProgress: (sent) => patch(row.id, { sent }),
          onConfirming: () => patch(row.id, { state: 'confirming', sent: file.size }),
        },
      );
      patch(row.id, { state: 'stored', key, sent: file.size });
    } catch (error) {
      if (!controller.signal.aborted) patch(row.id, { state: 'failed', failure: { error } });
    } finally {
      controllers.current.delete(row.id);
    }
  };

  const pump = () => {
    while (running.current < PARALLEL_UPLOADS && queue.current.length > 0) {
      const id = queue.current.shift()!;
      const row = current().find((candidate) => candidate.id === id);
      if (!row?.file || row.state !== 'queued') continue;
      running.current++;
      void send(row, row.file).finally(() => {
        running.current--;
        if (running.current === 0 && queue.current.length === 0) {
          batch.current.clear();
          rerender(undefined);
        }
        pump();
      });
    }
  };

  /** Checks the rows as their kind says, then queues them (a new announcement each time). */
  const enqueue = (ids: readonly number[]) => {
    update((all) =>
      all.map((row) => {
        if (!ids.includes(row.id) || !row.file) return row;
        const problem = fileProblem(row.file, row.kind);
        const reset = { key: undefined, sent: 0, failure: undefined };
        return problem
          ? { ...row, ...reset, state: 'invalid', failure: { problem } }
          : { ...row, ...reset, state: 'queued' };
      }),
    );
    for (const row of current()) {
      if (ids.includes(row.id) && row.state === 'queued') {
        queue.current.push(row.id);
        batch.current.add(row.id);
      }
    }
    pump();
  };

  const addFiles = async (picked: readonly File[]) => {
    if (picked.length === 0) return;
    const bytes = picked.reduce((sum, file) => sum + file.size, 0);
    let before = 0;
    const skipped: string[] = [];
    setDuplicates([]);
    setHashing({ done: 0, total: picked.length, hashed: 0, bytes });
    for (const file of picked) {
      let sha256: string;
      try {
        sha256 = await sha256Hex(file, (hashed) =>
          setHashing((state) => state && { ...state, hashed: before + hashed }),
        );
      } catch (error) {
        // Unreadable (moved or deleted since it was picked): listed with the reason, to be removed.
        const row: EvidenceFile = { id: ++rowIds, sha256: '', kind: 'other', state: 'invalid' };
        update((all) => [...all, { ...row, name: file.name, size: file.size, failure: { error } }]);
        continue;
      } finally {
        before += file.size;
        setHashing((state) => state && { ...state, done: state.done + 1, hashed: before });
      }
      if (current().some((row) => row.sha256 === sha256)) {
        skipped.push(file.name);
        continue;
      }
      const row: EvidenceFile = {
        id: ++rowIds,
        sha256,
        kind: guessKind(file),
        state: 'queued',
        name: file.name,
        size: file.size,
        contentType: contentTypeOf(file),
        file,
      };
      update((all) => [...all, row]);
      // Each file goes up as soon as it is hashed, while the next one is read.
      enqueue([row.id]);
    }
    setHashing(undefined);
    setDuplicates(skipped);
  };

  const remove = (id: number) => {
    setDuplicates([]);
    controllers.current.get(id)?.abort();
    queue.current = queue.current.filter((queued) => queued !== id);
    batch.current.delete(id);
    update((all) => all.filter((row) => row.id !== id));
  };

  const changeKind = (id: number, kind: DocumentKind) => {
    const row = current().find((candidate) => candidate.id === id);
    if (!row?.file || row.kind === kind || row.state === 'uploading' || row.state === 'confirming') return;
    setDuplicates([]);
    patch(id, { kind });
    enqueue([id]);
  };

  const all = current();
  const inBatch = all.filter((row) => batch.current.has(row.id));
  const overall = inBatch.some((row) => ACTIVE.includes(row.state))
    ? {
        done: inBatch.filter((row) => FINISHED.includes(row.state)).length,
        total: inBatch.length,
        sent: inBatch.reduce(
          (sum, row) => sum + (FINISHED.includes(row.state) ? (row.size ?? 0) : (row.sent ?? 0)),
          0,
        ),
        size: inBatch.reduce((sum, row) => sum + (row.size ?? 0), 0),
      }
    : undefined;
  const busy = hashing !== undefined || all.some((row) => ACTIVE.includes(row.state));

  // Leaving the page would cut the uploads short: the browser asks first.
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, [busy]);

  return {
    rows: all,
    hashing,
    duplicates,
    overall,
    busy,
    addFiles,
    remove,
    changeKind,
    retry: (id: number) => {
      setDuplicates([]);
      enqueue([id]);
    },
  };
}

export type EvidenceFiles = ReturnType<typeof useEvidenceFiles>;

/** The fields of `POST /cohorts/{id}/documents`, which have names in words.ts (`docField.*`). */
const ANNOUNCED_FIELDS = ['kind', 'fileName', 'contentType', 'sizeBytes', 'sha256'];

/** Why a row cannot be uploaded or failed, in the console's language. */
function failureText(i18n: I18n, failure: NonNullable<EvidenceFile['failure']>): string {
  const { t, m } = i18n;
  if ('problem' in failure) {
    const problem = failure.problem;
    const reason =
      problem.key === 'doc.badType'
        ? t(problem.key, {
            kind: t(`docKind.${problem.kind}`),
            types: problem.types.join(', '),
            type: problem.type,
          })
        : problem.key === 'doc.tooLarge'
          ? t(problem.key, { kind: t(`docKind.${problem.kind}`), size: formatBytes(problem.largest) })
          : t(problem.key);
    return t('doc.invalid', { reason });
  }
  const { error } = failure;
  let reason: string;
  if (error instanceof UploadFailed) {
    reason =
      error.reason === 'rejected'
        ? t('doc.rejected', { reason: error.detail })
        : error.reason === 'store'
          ? t('doc.storeError', { reason: error.detail })
          : t(`doc.${error.reason === 'aborted' ? 'network' : error.reason}`);
  } else if (error instanceof ApiError && error.status === 400 && error.errors.length > 0) {
    // The announcement's fields, by name: 文件类型：…
    reason = error.errors
      .map((entry) => {
        const label = ANNOUNCED_FIELDS.includes(entry.path)
          ? t(`docField.${entry.path}` as MessageKey)
          : entry.path;
        return t('error.field', { field: label, message: m(entry) });
      })
      .join(punct().semi);
  } else {
    reason = describeError(i18n, error).summary;
  }
  return t('doc.failed', { reason });
}

/** The picker, the overall progress and one row per document. */
export function EvidenceFileTable(props: {
  files: EvidenceFiles;
  /** A final claim: the count of training videos is a requirement. */
  finalClaim: boolean;
  minVideos: number;
  /** Problems of the documents as a whole (not ready, too few videos). */
  problems?: readonly CodedField[] | undefined;
  /** Problems the API named for a row (`evidence.documents.N.*`), by row id. */
  rowProblems: ReadonlyMap<number, readonly CodedField[]>;
}) {
  const i18n = useI18n();
  const { t, m } = i18n;
  const { files, rowProblems } = props;
  const videos = files.rows.filter((row) => row.state === 'stored' && row.kind === 'training_video').length;
  return (
    <>
      <p class="hint" id="claim-documents-hint">
        {t('claim.documentsHint', { min: props.minVideos })}
      </p>
      <div class="bulk-row">
        <span class="file-picker">
          <input
            id="claim-documents"
            class="visually-hidden"
            type="file"
            multiple
            accept={PICKER_ACCEPT}
            aria-describedby="claim-documents-hint"
            onChange={(event) => {
              const input = event.currentTarget;
              const picked = Array.from(input.files ?? []);
              input.value = '';
              void files.addFiles(picked);
            }}
          />
          <label class="button button-secondary" for="claim-documents">
            {t('claim.pickFiles')}
          </label>
        </span>
        <span
          data-testid="video-count"
          class={props.finalClaim && videos < props.minVideos ? 'error-count' : 'ok-count'}
        >
          {t('claim.videoCount', { n: videos, min: props.minVideos })}
        </span>
      </div>
      {files.hashing ? (
        <Progress
          label={t('claim.hashing', { done: files.hashing.done, total: files.hashing.total })}
          value={files.hashing.bytes > 0 ? files.hashing.hashed / files.hashing.bytes : undefined}
        />
      ) : null}
      {files.overall ? (
        <div data-testid="upload-overall">
          <Progress
            label={t('claim.uploading', {
              done: files.overall.done,
              total: files.overall.total,
              sent: formatBytes(files.overall.sent),
              size: formatBytes(files.overall.size),
            })}
            value={files.overall.size > 0 ? files.overall.sent / files.overall.size : undefined}
          />
        </div>
      ) : null}
      {files.duplicates.length ? (
        <p class="hint" role="status" data-testid="duplicate-files">
          {t('doc.duplicate', { names: files.duplicates.join(punct().enum) })}
        </p>
      ) : null}
      {props.problems?.length ? (
        <small class="error-text">{props.problems.map(m).join(punct().semi)}</small>
      ) : null}
      {files.rows.length ? (
        <ScrollRegion label={t('claim.documents')}>
          <table class="grid evidence-files" data-testid="documents">
            <thead>
              <tr>
                <th scope="col">{t('claim.fileName')}</th>
                <th scope="col">{t('claim.fileSize')}</th>
                <th scope="col">{t('claim.docKind')}</th>
                <th scope="col">{t('claim.docStatus')}</th>
                <th scope="col">{t('claim.checksum')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {files.rows.map((row, index) => {
                const problems = rowProblems.get(row.id) ?? [];
                const name = row.name ?? (row.unreadable ? (row.key ?? '') : t('doc.loading'));
                const label = row.name ?? t('roster.rowLabel', { n: index + 1, column: t('claim.fileName') });
                const allowed = row.contentType ? kindsAccepting(row.contentType) : [];
                const percent = row.size ? Math.floor(((row.sent ?? 0) / row.size) * 100) : 0;
                return (
                  <tr
                    key={row.id}
                    data-status={row.state}
                    data-key={row.key ?? ''}
                    class={
                      problems.length || row.state === 'invalid' || row.state === 'failed'
                        ? 'row-invalid'
                        : ''
                    }
                  >
                    <td class="file-name">
                      {name}
                      {row.unreadable ? (
                        <small class="error-text">{describeError(i18n, row.unreadable).summary}</small>
                      ) : null}
                    </td>
                    <td class="number">{row.size === undefined ? '—' : formatBytes(row.size)}</td>
                    <td>
                      <select
                        aria-label={t('doc.kindOf', { name: label })}
                        value={row.kind}
                        disabled={!row.file || row.state === 'uploading' || row.state === 'confirming'}
                        onChange={(event) =>
                          files.changeKind(row.id, event.currentTarget.value as DocumentKind)
                        }
                      >
                        {DOCUMENT_KINDS.map((value) => (
                          <option
                            key={value}
                            value={value}
                            disabled={Boolean(row.file) && allowed.length > 0 && !allowed.includes(value)}
                          >
                            {t(`docKind.${value}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td data-testid="document-status" class="document-status">
                      {row.state === 'queued' ? (
                        <span class="hint">{t('doc.queued')}</span>
                      ) : row.state === 'uploading' ? (
                        <span class="row-progress">
                          <progress max={100} value={percent} aria-label={t('doc.uploading', { percent })} />
                          <small>{t('doc.uploading', { percent })}</small>
                        </span>
                      ) : row.state === 'confirming' ? (
                        <span class="hint">{t('doc.confirming')}</span>
                      ) : row.state === 'stored' ? (
                        <span class="ok-count">✓ {t('doc.stored')}</span>
                      ) : (
                        <span class="error-text">{row.failure ? failureText(i18n, row.failure) : ''}</span>
                      )}
                      {problems.length ? (
                        <small class="error-text">{problems.map(m).join(punct().semi)}</small>
                      ) : null}
                      {row.file && (row.state === 'failed' || problems.length > 0) ? (
                        <button
                          type="button"
                          class="button-ghost small"
                          aria-label={t('doc.retryFile', { name: label })}
                          onClick={() => files.retry(row.id)}
                        >
                          {t('doc.retry')}
                        </button>
                      ) : null}
                    </td>
                    <td class="mono small" title={row.sha256}>
                      {row.sha256 ? `${row.sha256.slice(0, 16)}…` : '—'}
                    </td>
                    <td>
                      <button
                        type="button"
                        class="button-ghost small"
                        aria-label={t('doc.remove', { name: label })}
                        onClick={() => files.remove(row.id)}
                      >
                        {t('doc.removeShort')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      ) : null}
    </>
  );
}
