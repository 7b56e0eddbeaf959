// SPDX-License-Identifier: MIT
// The tag filter bar: the active filters as chips that can be removed, a field that takes the API's syntax, and
// suggestions from the selected function's tags (/api/tags): pick a tag to see its values, pick a value to
// filter by it, "≠" to leave it out. It only reports what the user asked for; the page owns the filters.
import { integer } from './format.js';
import { FilterError, escapeName, formatFilter, normalizeFilter, parseFilter } from './tagfilter.js';

const $ = (id) => document.getElementById(id);
const VALUES_SHOWN = 8; // per tag while browsing, before anything is typed

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A filter as a chip says it: "endpoint = /cart", "tier ≠ gold", "has user", "no error".
function describe(text) {
  const { op, name, value } = parseFilter(text);
  const chip = element('span', 'chip-text');
  const shownValue = value === '' ? '(empty)' : value;
  if (op === 'equals' || op === 'not-equals') {
    chip.append(element('span', 'chip-name', name), element('span', 'chip-op', op === 'equals' ? ' = ' : ' ≠ '),
      element('span', 'chip-value', shownValue));
  } else {
    chip.append(element('span', 'chip-op', op === 'present' ? 'has ' : 'no '), element('span', 'chip-name', name));
  }
  return chip;
}

export class FilterBar {
  // onAdd(text) and onRemove(text) receive filters in the API's text.
  constructor({ onAdd, onRemove }) {
    this.onAdd = onAdd;
    this.onRemove = onRemove;
    this.tags = null; // the selected function's tags, or null
    this.note = 'Select a function to see its tags.';
    this.active = -1;
    this.input = $('tag-input');
    this.list = $('tag-suggestions');
    this.error = $('tag-error');
    this.input.addEventListener('input', () => this.typed());
    this.input.addEventListener('focus', () => this.open());
    this.input.addEventListener('blur', () => this.close());
    this.input.addEventListener('keydown', (event) => this.key(event));
    // A pick in the list must not blur the field first (that would close the list under the pointer).
    this.list.addEventListener('mousedown', (event) => event.preventDefault());
    this.list.addEventListener('click', (event) => this.picked(event));
    $('chips').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-filter]');
      if (button) this.onRemove(button.dataset.filter);
    });
  }

  setFilters(filters) {
    const chips = filters.map((text) => {
      const chip = element('span', 'chip');
      chip.dataset.filter = text;
      chip.title = `tag=${text}`;
      const remove = element('button', 'chip-remove', '×');
      remove.type = 'button';
      remove.dataset.filter = text;
      remove.setAttribute('aria-label', `Remove the filter ${text}`);
      chip.append(describe(text), remove);
      return chip;
    });
    $('chips').replaceChildren(...chips);
  }

  // tags: /api/tags' `tags`, or null with a note saying why there are none.
  setTags(tags, note = '') {
    this.tags = tags;
    this.note = note;
    if (!this.list.hidden) this.render({ keepHighlight: true });
  }

  typed() {
    this.error.hidden = true;
    this.open();
  }

  open() {
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.render();
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.active = -1;
  }

  key(event) {
    const options = [...this.list.querySelectorAll('[role="option"]')];
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (this.list.hidden) this.open();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.highlight(options, Math.max(-1, Math.min(options.length - 1, this.active + step)));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (this.active >= 0 && options[this.active]) this.choose(options[this.active]);
      else this.submit();
    } else if (event.key === 'Escape') {
      if (!this.list.hidden) this.close();
      else this.input.value = '';
    } else if (event.key === 'Backspace' && this.input.value === '') {
      const last = $('chips').lastElementChild;
      if (last) this.onRemove(last.dataset.filter);
    }
  }

  highlight(options, index) {
    this.active = index;
    options.forEach((option, i) => option.setAttribute('aria-selected', String(i === index)));
    if (options[index]) {
      options[index].scrollIntoView({ block: 'nearest' });
      this.input.setAttribute('aria-activedescendant', options[index].id);
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  // The field's text as a filter: added when it parses, else the reason is shown under the field.
  submit() {
    const text = this.input.value.trim() === '' ? '' : this.input.value;
    if (!text) return;
    try {
      this.add(normalizeFilter(text));
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      this.error.textContent = error.message;
      this.error.hidden = false;
    }
  }

  add(text) {
    this.input.value = '';
    this.error.hidden = true;
    this.onAdd(text);
    this.render();
  }

  picked(event) {
    const target = event.target.closest('[data-filter], [data-complete]');
    if (target) this.choose(target);
  }

  choose(option) {
    if (option.dataset.filter) {
      this.add(option.dataset.filter);
      return;
    }
    this.input.value = option.dataset.complete;
    this.input.focus();
    this.typed();
  }

  // New tags while the list is open (the range or filters changed) keep the highlighted choice when it is
  // still there, so that Enter picks what the user was looking at.
  render({ keepHighlight = false } = {}) {
    const identity = (option) => option?.dataset.filter ?? option?.dataset.complete;
    const highlighted = keepHighlight ? identity(this.list.querySelectorAll('[role="option"]')[this.active]) : undefined;
    this.active = -1;
    this.input.removeAttribute('aria-activedescendant');
    const items = this.tags ? this.suggestions(this.input.value) : [element('li', 'hint', this.note)];
    if (this.tags && !items.length) {
      items.push(element('li', 'hint', this.tags.length
        ? 'No tag or value matches. Press Enter to filter by what you typed.'
        : 'The calls shown carry no tags. Press Enter to filter by what you typed.'));
    }
    items.push(element('li', 'syntax', 'name:value · name!:value (another value or none) · name (has it) · !name (has not)'));
    items.forEach((item, i) => { item.id = `tag-option-${i}`; });
    this.list.replaceChildren(...items);
    if (highlighted !== undefined) {
      const options = [...this.list.querySelectorAll('[role="option"]')];
      const index = options.findIndex((option) => identity(option) === highlighted);
      if (index >= 0) this.highlight(options, index);
    }
  }

  // What the typed text may become: tags whose name holds it, the values of the tag before a ':'.
  suggestions(text) {
    let parsed = null;
    try {
      parsed = text.includes(':') ? parseFilter(text) : null;
    } catch (error) { /* half-typed: suggest from the name part */ }
    if (parsed && (parsed.op === 'equals' || parsed.op === 'not-equals')) {
      const tag = this.tags.find((t) => t.name === parsed.name);
      return tag ? this.valueItems(tag, parsed.value, parsed.op, Infinity) : [];
    }
    const needle = text.replace(/^!/, '').toLowerCase();
    const items = [];
    for (const tag of this.tags) {
      const nameMatches = tag.name.toLowerCase().includes(needle);
      const values = needle ? tag.values.filter((v) => v.value.toLowerCase().includes(needle)) : tag.values;
      if (!nameMatches && !values.length) continue;
      items.push(this.tagItem(tag));
      items.push(...this.valueItems(tag, nameMatches && needle ? '' : needle, 'equals', needle ? 3 : VALUES_SHOWN));
    }
    return items;
  }

  tagItem(tag) {
    const li = element('li', 'tag');
    li.setAttribute('role', 'option');
    li.dataset.complete = `${escapeName(tag.name)}:`;
    li.title = `Show the values of ${tag.name}`;
    li.append(element('span', 'name', tag.name), element('span', 'calls', `${integer(tag.calls)} calls`));
    const has = element('button', 'mini', 'has');
    has.type = 'button';
    has.dataset.filter = formatFilter({ op: 'present', name: tag.name });
    has.title = `Only calls with ${tag.name}`;
    const missing = element('button', 'mini', 'missing');
    missing.type = 'button';
    missing.dataset.filter = formatFilter({ op: 'absent', name: tag.name });
    missing.title = `Only calls without ${tag.name}`;
    li.append(has, missing);
    return li;
  }

  valueItems(tag, needle, op, limit) {
    const wanted = needle.toLowerCase();
    const values = tag.values.filter((v) => v.value.toLowerCase().includes(wanted));
    const items = values.slice(0, limit).map(({ value, calls }) => {
      const li = element('li', 'value');
      li.setAttribute('role', 'option');
      li.dataset.filter = formatFilter({ op, name: tag.name, value });
      li.title = `tag=${li.dataset.filter}`;
      const shown = element('span', 'name', value === '' ? '(empty)' : value);
      const bar = element('span', 'share');
      bar.style.setProperty('--share', `${Math.round((100 * calls) / Math.max(1, tag.calls))}%`);
      const other = element('button', 'mini', op === 'equals' ? '≠' : '=');
      other.type = 'button';
      other.dataset.filter = formatFilter({ op: op === 'equals' ? 'not-equals' : 'equals', name: tag.name, value });
      other.title = op === 'equals' ? `Every call but those with ${tag.name} = ${value}` : `Only ${tag.name} = ${value}`;
      li.append(shown, bar, element('span', 'calls', integer(calls)), other);
      return li;
    });
    const hidden = values.length - items.length + (needle ? 0 : tag.other_values);
    if (hidden > 0) {
      const more = element('li', 'hint', `${integer(hidden)} more value${hidden === 1 ? '' : 's'}: type to narrow, or type the whole value`);
      items.push(more);
    }
    return items;
  }
}
