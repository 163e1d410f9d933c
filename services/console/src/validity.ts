/** Time-bound access in the console: instants to and from the browser's datetime-local inputs. */

/** A window's two bounds as datetime-local inputs hold them ('' for an open bound). */
export interface WindowInput {
  from: string;
  until: string;
}

/** An instant as a datetime-local input shows it: the browser's time zone, to the minute. */
export function toInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An input's value as an instant (undefined when empty); the original instant while the input still shows it, so nothing is rounded. */
export function fromInput(value: string, original: string | undefined): string | undefined {
  if (!value) return undefined;
  if (original && toInput(original) === value) return original;
  const d = new Date(value);
  // A value the browser could not read goes as typed: the API names the field.
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}
