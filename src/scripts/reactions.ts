/**
 * A small island: "been there" and "helpful" buttons update their count in place instead of
 * reloading the page. Without JavaScript the same forms post normally.
 */
import { BEEN_THERE_TEXT, type ReactionText } from '../lib/reaction-text';

// Words shared by every button of a kind (by the button's value), instead of data-* on each.
const SHARED_TEXT: Record<string, ReactionText> = { 'been-there': BEEN_THERE_TEXT };

function enhance(form: HTMLFormElement): void {
  form.addEventListener('submit', async (event) => {
    const button = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    if (!button || button.disabled) return;
    event.preventDefault();
    const shared = SHARED_TEXT[button.value] ?? {};
    const word = (el: HTMLElement, key: keyof ReactionText) => el.dataset[key] || shared[key] || '';
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
      form.querySelectorAll<HTMLInputElement>('input[name="want"]').forEach((input) => (input.value = result.active ? 'off' : 'on'));
      form.querySelectorAll<HTMLElement>('[data-count]').forEach((el) => (el.textContent = String(result.count)));
      form.querySelectorAll<HTMLElement>('[data-count-label]').forEach((el) => {
        el.textContent = word(el, result.count === 1 ? 'one' : 'many');
      });
      form.querySelectorAll<HTMLElement>('[data-pressed-text]').forEach((el) => {
        el.textContent = word(el, result.active ? 'pressedText' : 'unpressedText');
      });
    } catch {
      form.submit();
    } finally {
      button.disabled = false;
    }
  });
}

document.querySelectorAll<HTMLFormElement>('form[data-reaction-form]').forEach(enhance);
