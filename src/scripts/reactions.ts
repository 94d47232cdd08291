/**
 * A small island: "been there" and "helpful" buttons update their count in place instead of
 * reloading the page. Without JavaScript the same forms post normally.
 */
function enhance(form: HTMLFormElement): void {
  form.addEventListener('submit', async (event) => {
    const button = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    if (!button || button.disabled) return;
    event.preventDefault();
    const body = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
    body.set(button.name, button.value);
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body,
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!response.ok) {
        form.submit(); // let the server explain (e.g. rate limit) on a normal page
        return;
      }
      const result = (await response.json()) as { active: boolean; count: number };
      button.setAttribute('aria-pressed', String(result.active));
      // The next press asks for the other state.
      form.querySelectorAll<HTMLInputElement>('[data-want]').forEach((input) => (input.value = result.active ? 'off' : 'on'));
      form.querySelectorAll<HTMLElement>('[data-count]').forEach((el) => (el.textContent = String(result.count)));
      form.querySelectorAll<HTMLElement>('[data-count-label]').forEach((el) => {
        el.textContent = result.count === 1 ? el.dataset.one! : el.dataset.many!;
      });
      form.querySelectorAll<HTMLElement>('[data-pressed-text]').forEach((el) => {
        el.textContent = result.active ? el.dataset.pressedText! : el.dataset.unpressedText!;
      });
    } catch {
      form.submit();
    } finally {
      button.disabled = false;
    }
  });
}

document.querySelectorAll<HTMLFormElement>('form[data-reaction-form]').forEach(enhance);
