// Dead letters: the newest N from the dead-letter topic, with their headers decoded (KIP-1034's
// and lookout.dlq.*), grouped by reason. Read-only; re-driving is `lookout dlq redrive` or
// POST /api/dead-letters/redrive.

import { describe, get } from './api.js';
import { fill, h } from './dom.js';
import { number, time } from './format.js';

export function deadLettersPage(main) {
  const limit = h('select', { id: 'dlq-limit', name: 'limit' },
    [50, 100, 500].map((n) => h('option', { value: n, selected: n === 100 }, `newest ${n}`)));
  const state = h('p', { id: 'dlq-state', role: 'status', class: 'muted' });
  const groups = h('div', { id: 'dlq-groups' });
  const load = async () => {
    state.textContent = 'Reading the dead-letter topic…';
    try {
      const items = (await get(`/api/dead-letters?limit=${limit.value}`)).items;
      state.textContent = items.length === 0 ? 'The dead-letter topic is empty.'
        : `${items.length} dead letters, newest first, in ${new Set(items.map((i) => i.reason)).size} reasons.`;
      fill(groups, grouped(items));
    } catch (error) {
      state.textContent = `Could not read the dead letters: ${describe(error)}`;
      fill(groups);
    }
  };
  limit.addEventListener('change', load);
  fill(main, h('h1', null, 'Dead letters'),
    h('form', { 'aria-label': 'Dead letters to show', onsubmit: (e) => e.preventDefault() },
      h('label', { for: 'dlq-limit' }, 'Show', limit)),
    state, groups);
  load();
  return null;
}

function grouped(items) {
  const byReason = new Map();
  for (const item of items) {
    const key = `${item.stage} / ${item.reason}`;
    if (!byReason.has(key)) byReason.set(key, []);
    byReason.get(key).push(item);
  }
  return [...byReason.entries()].sort((a, b) => b[1].length - a[1].length).map(([reason, letters]) =>
    h('details', { class: 'dlq-group', 'data-reason': letters[0].reason },
      h('summary', null, h('strong', null, reason), ` · ${number(letters.length)}`),
      h('div', { class: 'overflow-auto' }, h('table', { class: 'striped' },
        h('thead', null, h('tr', null, ['Written', 'Origin', 'Key', 'Exception', 'Headers'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, letters.map((letter) => h('tr', null,
          h('td', null, time(letter.timestamp)),
          h('td', null, letter.origin?.topic ? `${letter.origin.topic}/${letter.origin.partition}@${letter.origin.offset}` : '–',
            letter.origin?.timestamp ? h('br') : null, letter.origin?.timestamp ? time(letter.origin.timestamp) : null),
          h('td', null, letter.key ?? '–'),
          h('td', null, letter.exception ?? '–', letter.message ? h('br') : null,
            letter.message ? h('small', null, letter.message) : null),
          h('td', null, h('dl', { class: 'headers' }, Object.entries(letter.headers ?? {}).map(([name, value]) =>
            [h('dt', null, name), h('dd', null, value)]))))))))));
}
