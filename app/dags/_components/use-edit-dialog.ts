'use client';
// What the pools, connections and variables managers share: a modal form whose save goes to /api/v1 and shows the
// refused fields beside their inputs, a confirmed delete, and a status line; the page refreshes after a change.
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { apiCall, type ApiProblem, type ApiResult } from './api-call';

export function useEditDialog() {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  return {
    dialog,
    problem,
    /** For checks made before any request (e.g. a number field that is not a number). */
    setProblem,
    notice,
    setNotice,
    busy,
    show() {
      setProblem(null);
      dialog.current?.showModal();
    },
    /** Runs the request; on success closes the dialog, says `done` and refreshes. Resolves whether it succeeded. */
    async submit(request: () => Promise<ApiResult<unknown>>, done: string): Promise<boolean> {
      setBusy(true);
      const res = await request();
      setBusy(false);
      if (!res.ok) {
        setProblem(res.problem);
        return false;
      }
      dialog.current?.close();
      setNotice(done);
      router.refresh();
      return true;
    },
    /** Asks `question`, then DELETEs `path` and says what happened to `label` (e.g. "Pool llm"). */
    async remove(question: string, label: string, path: string): Promise<void> {
      if (!window.confirm(question)) return;
      const res = await apiCall('DELETE', path);
      setNotice(res.ok ? `${label} deleted.` : `${label} was not deleted: ${res.problem.detail}`);
      router.refresh();
    },
    fieldError(field: string): string | undefined {
      return problem?.fields.filter((x) => x.path === field).map((x) => x.message).join('; ') || undefined;
    },
  };
}
