/**
 * A small island for the story form (issue 13). Without JavaScript every button posts the form
 * and nothing here runs. With it:
 * - the preview's "Redact", "Redact all" and paste-fix buttons post in the background and swap in
 *   the new preview and field values, so a redaction needs no reload;
 * - on /new, what is typed is kept as a draft in localStorage, restored on the next visit, cleared
 *   on publish, with a "Discard draft" button.
 */
const DRAFT_KEY = 'rop-story-draft';
const DRAFT_FIELDS = ['title', 'body', 'lessons', 'experience', 'impact', 'detection', 'outcome'] as const;

interface Draft {
  fields: Record<string, string>;
  checks: Record<string, string[]>;
}

function readDraft(form: HTMLFormElement): Draft {
  const fields: Record<string, string> = {};
  for (const name of DRAFT_FIELDS) {
    const field = form.elements.namedItem(name);
    if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement || field instanceof HTMLSelectElement) fields[name] = field.value;
  }
  const checks: Record<string, string[]> = {};
  for (const name of ['tags', 'contentNotes']) {
    checks[name] = [...form.querySelectorAll<HTMLInputElement>(`input[type=checkbox][name="${name}"]`)].filter((c) => c.checked).map((c) => c.value);
  }
  return { fields, checks };
}

function writeDraft(form: HTMLFormElement, draft: Draft): void {
  for (const [name, value] of Object.entries(draft.fields)) {
    const field = form.elements.namedItem(name);
    if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement || field instanceof HTMLSelectElement) field.value = value;
  }
  for (const [name, values] of Object.entries(draft.checks)) {
    form.querySelectorAll<HTMLInputElement>(`input[type=checkbox][name="${name}"]`).forEach((c) => (c.checked = values.includes(c.value)));
  }
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // disabled or blocked: the form still works, just without drafts
  }
}

function keepDrafts(form: HTMLFormElement): void {
  const store = storage();
  if (!store) return;
  const title = form.elements.namedItem('title') as HTMLInputElement | null;
  const body = form.elements.namedItem('body') as HTMLTextAreaElement | null;
  const typedByServer = form.dataset.fresh !== 'true';
  const saved = store.getItem(DRAFT_KEY);
  if (saved && !typedByServer) {
    try {
      writeDraft(form, JSON.parse(saved) as Draft);
    } catch {
      store.removeItem(DRAFT_KEY);
    }
  }
  const save = () => store.setItem(DRAFT_KEY, JSON.stringify(readDraft(form)));
  if (typedByServer) save(); // a preview or an error page: what the server shows is the latest text
  form.addEventListener('input', save);
  form.addEventListener('change', save);

  const row = form.querySelector('.submit-row');
  const discard = document.createElement('button');
  discard.type = 'button';
  discard.textContent = 'Discard draft';
  discard.className = 'discard-draft';
  discard.addEventListener('click', () => {
    store.removeItem(DRAFT_KEY);
    form.reset();
    form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('#title, #body, #lessons').forEach((field) => {
      field.value = field.id === 'body' ? (form.querySelector<HTMLTemplateElement>('#story-template')?.content.textContent ?? '') : '';
    });
    form.querySelectorAll<HTMLInputElement>('input[type=checkbox]').forEach((c) => (c.checked = false));
    form.querySelectorAll<HTMLSelectElement>('select').forEach((s) => (s.value = ''));
    document.querySelector('.preview')?.remove();
    discard.textContent = 'Draft discarded';
  });
  row?.append(discard);

  form.addEventListener('submit', (event) => {
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.name === 'intent' && submitter.value === 'publish') store.removeItem(DRAFT_KEY);
  });
}

/** Posts the form with the pressed button and swaps in the preview and field values from the answer. */
function redactInPlace(form: HTMLFormElement): void {
  form.addEventListener('submit', async (event) => {
    const button = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    if (!button || (button.name !== 'redact' && button.name !== 'fix') || button.dataset.plain === 'true') return;
    event.preventDefault();
    const data = new FormData(form);
    data.set(button.name, button.value);
    button.disabled = true;
    try {
      const response = await fetch(form.action, { method: 'POST', body: new URLSearchParams(data as unknown as Record<string, string>), credentials: 'same-origin' });
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const nextForm = page.querySelector<HTMLFormElement>('#story-form');
      if (!nextForm) throw new Error('no form in the answer');
      for (const name of ['title', 'body', 'lessons']) {
        const next = nextForm.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | null;
        const current = form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | null;
        if (next && current) current.value = next.value;
      }
      // Other fields (e.g. a one-time form token) come back from the server too.
      nextForm.querySelectorAll<HTMLInputElement>('input[type=hidden]').forEach((hidden) => {
        const current = form.querySelector<HTMLInputElement>(`input[type=hidden][name="${hidden.name}"]`);
        if (current) current.value = hidden.value;
      });
      const nextPreview = page.querySelector('.preview');
      const preview = document.querySelector('.preview');
      if (preview && nextPreview) preview.replaceWith(document.importNode(nextPreview, true));
      const nextAlert = page.querySelector('[role=alert]');
      document.querySelector('main [role=alert]')?.remove();
      if (nextAlert) document.querySelector('.preview')?.before(document.importNode(nextAlert, true));
      form.dispatchEvent(new Event('change')); // keep the draft in step
      document.querySelector<HTMLElement>('#preview-findings')?.focus();
    } catch {
      button.disabled = false;
      button.dataset.plain = 'true';
      form.requestSubmit(button); // the server explains on a normal page
      return;
    }
  });
}

const form = document.querySelector<HTMLFormElement>('form#story-form');
if (form) {
  redactInPlace(form);
  if (form.dataset.draft === 'on') keepDrafts(form);
}
