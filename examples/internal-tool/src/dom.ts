/**
 * A tiny helper to build DOM elements without a framework. Text is always set
 * as text (never parsed as HTML), so record names cannot inject markup.
 */

/** Attributes of `h`: `class`, `data-*`, `aria-*` and the like, set with setAttribute. */
export type Attributes = Record<string, string | number | boolean | undefined>;

/** A child: an element, or text. */
export type Child = Node | string | null | undefined | false;

/** Creates `<tag ...attributes>children</tag>`; `false`/`undefined` attributes and children are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}
