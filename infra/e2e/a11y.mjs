// Accessibility checks run in the page on every screen of the journey:
// the document's language, a label on every visible form control, a name
// on every visible button, and WCAG 2.2 AA text contrast (4.5:1, or 3:1
// for large text) of every visible text against its effective background.

/** Returns the problems found on the page as strings (none: []). */
export async function accessibilityProblems(page, lang) {
  return page.evaluate((lang) => {
    const problems = [];
    if (document.documentElement.lang !== lang) problems.push(`html lang is "${document.documentElement.lang}", want "${lang}"`);
    const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && getComputedStyle(el).visibility !== 'hidden';
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.name ? `[name=${el.name}]` : ''}`;

    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (!visible(el) || el.type === 'hidden') continue;
      const named = (el.labels && [...el.labels].some((l) => l.textContent.trim())) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (!named) problems.push(`${describe(el)} has no label`);
    }
    for (const el of document.querySelectorAll('button, a[href]')) {
      if (visible(el) && !(el.textContent.trim() || el.getAttribute('aria-label'))) problems.push(`${describe(el)} has no accessible name`);
    }

    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[,\s/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const luminance = ({ r, g, b }) => {
      const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0.5) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el || seen.has(el) || !visible(el) || el.closest('[hidden], .visually-hidden, svg')) continue;
      seen.add(el);
      const style = getComputedStyle(el);
      const fg = parse(style.color);
      if (!fg) continue;
      const bg = background(el);
      const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const min = large ? 3 : 4.5;
      if (el.closest('button:disabled')) continue; // disabled controls are exempt
      if (ratio < min) problems.push(`${describe(el)} "${n.textContent.trim().slice(0, 30)}" contrast ${ratio.toFixed(2)}:1 < ${min}:1`);
    }
    return problems;
  }, lang);
}
