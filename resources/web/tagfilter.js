// SPDX-License-Identifier: MIT
// The API's tag filter syntax (docs/API.md, core/base/tagfilter.cpp), read and written exactly as Kodemon does,
// and what a call's extra fields say about it: its tags, whether it failed, which group it falls in.
//   name:value   the tag has this value (the value is everything after the first unescaped ':')
//   name!:value  the tag has another value, or is missing
//   name         the tag is there          !name   the tag is missing
// In a name a backslash escapes ':', '!' and itself; a value is never escaped.

export class FilterError extends Error {}

// Cuts `text` at its first unescaped ':'; the name comes back unescaped.
function splitName(text) {
  let name = '';
  let lastWasBang = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === ':') {
      return { name: lastWasBang ? name.slice(0, -1) : name, value: text.slice(i + 1), bangBeforeColon: lastWasBang };
    }
    lastWasBang = c === '!';
    if (c === '\\') {
      if (i + 1 === text.length || !':!\\'.includes(text[i + 1]))
        throw new FilterError("in a tag name a backslash escapes ':', '!' or '\\' only");
      i += 1;
      name += text[i]; // an escaped '!' never closes the name
      continue;
    }
    name += c;
  }
  return { name, value: null, bangBeforeColon: false };
}

// { op: 'equals'|'not-equals'|'present'|'absent', name, value }, or a FilterError saying what is wrong.
export function parseFilter(text) {
  const negated = text.startsWith('!');
  const parts = splitName(negated ? text.slice(1) : text);
  const hasValue = parts.value !== null;
  if (!parts.name)
    throw new FilterError(`a tag filter needs a tag name: name:value, name!:value, name or !name, not "${text}"`);
  if (negated && hasValue)
    throw new FilterError(`"${text}" filters calls without a tag: write name!:value for another value`);
  const op = negated ? 'absent' : parts.bangBeforeColon ? 'not-equals' : hasValue ? 'equals' : 'present';
  return { op, name: parts.name, value: hasValue ? parts.value : '' };
}

export const escapeName = (name) => name.replace(/[\\:!]/g, '\\$&');

export function formatFilter({ op, name, value }) {
  const n = escapeName(name);
  if (op === 'equals') return `${n}:${value}`;
  if (op === 'not-equals') return `${n}!:${value}`;
  if (op === 'present') return n;
  return `!${n}`;
}

// The API's text for a filter: the same filter always has the same text, so duplicates can be told.
export const normalizeFilter = (text) => formatFilter(parseFilter(text));

// A call failed when it has an "error" member that is neither false nor null (any other value, as the API).
export const isFailed = (extra) => !!extra && extra.error !== undefined && extra.error !== false && extra.error !== null;

// A tag's value as Kodemon writes it: the string, a number as JSON writes it, true/false; null when the member
// is not a tag (missing, an object, an array or null).
export function tagText(extra, name) {
  const value = extra ? extra[name] : undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  return null;
}

// The API's group of a call for `group_by`: one of `groups` ({kind, value}) or null when it falls in none shown.
export function groupOf(extra, groupBy, groups) {
  const value = tagText(extra, groupBy);
  const match = (kind, v = null) => groups.find((g) => g.kind === kind && g.value === v) ?? null;
  if (value === null) return match('missing');
  return match('value', value) ?? match('other');
}

export function groupLabel(group) {
  if (group.kind === 'other') return 'other values';
  if (group.kind === 'missing') return 'without the tag';
  return group.value === '' ? '(empty)' : group.value;
}
