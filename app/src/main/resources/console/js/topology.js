// Topology: the running topology (/api/topology) drawn as one graph per sub-topology, with the
// rates the instances measure (/api/status): records per second read by each source and written by
// each sink, by its topic, and so into each sub-topology; and the dead letters counted, by reason.

import { describe, get } from './api.js';
import { fill, h, s } from './dom.js';
import { number } from './format.js';

const BOX_W = 250;
const BOX_H = 50;
const GAP_X = 26;
const GAP_Y = 44;
const REFRESH_MS = 5000;

export function topologyPage(main) {
  const status = h('p', { id: 'topology-state', role: 'status', class: 'muted' }, 'Loading the topology…');
  const deadLetters = h('section', { id: 'topology-dead-letters', 'aria-labelledby': 'dlq-title' });
  const graphs = h('div', { id: 'topology-graphs' });
  fill(main, h('h1', null, 'Topology'), status, deadLetters, graphs);
  let timer = null;
  let stopped = false;

  (async () => {
    let topology;
    try {
      topology = await get('/api/topology');
    } catch (error) {
      status.textContent = `Could not load the topology: ${describe(error)}`;
      return;
    }
    const drawn = topology.subtopologies.map((sub) => draw(sub));
    fill(graphs, drawn.map((d) => d.element));
    status.textContent = `${topology.subtopologies.length} sub-topologies, `
      + `${topology.subtopologies.reduce((n, sub) => n + sub.nodes.length, 0)} nodes. Rates refresh every ${REFRESH_MS / 1000} s.`;
    const refresh = async () => {
      try {
        const instances = (await get('/api/status')).items;
        const rates = merge(instances);
        drawn.forEach((d) => d.update(rates));
        fill(deadLetters, deadLetterTable(instances));
      } catch (error) {
        fill(deadLetters, h('p', { class: 'error' }, `Rates unavailable: ${describe(error)}`));
      }
      if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
    };
    refresh();
  })();

  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Rates summed over the instances. */
function merge(instances) {
  const sum = (pick) => {
    const total = {};
    for (const instance of instances) {
      for (const [key, value] of Object.entries(pick(instance) ?? {})) total[key] = (total[key] ?? 0) + value;
    }
    return total;
  };
  return {
    consumed: sum((i) => i.consumedPerSecond),
    produced: sum((i) => i.producedPerSecond),
  };
}

/**
 * The rate of a topic as the topology names it. Repartition topics are named without the
 * application id there, and with it ("<application.id>-<name>") in the clients' metrics.
 */
function rateOf(perTopic, topic) {
  if (perTopic[topic] !== undefined) return perTopic[topic];
  const key = Object.keys(perTopic).find((name) => name.endsWith(`-${topic}`));
  return key === undefined ? undefined : perTopic[key];
}

function deadLetterTable(instances) {
  const byReason = new Map();
  for (const instance of instances) {
    for (const { stage, reason, count } of instance.deadLetters ?? []) {
      const key = `${stage}\u0000${reason}`;
      byReason.set(key, { stage, reason, count: (byReason.get(key)?.count ?? 0) + count });
    }
  }
  const rows = [...byReason.values()].sort((a, b) => b.count - a.count);
  return [
    h('h2', { id: 'dlq-title' }, 'Dead letters since start, by reason'),
    rows.length === 0 ? h('p', { class: 'muted' }, 'None.')
      : h('table', null,
        h('thead', null, h('tr', null, ['Stage', 'Reason', 'Count'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, rows.map((row) => h('tr', null,
          h('td', null, row.stage), h('td', null, row.reason || '–'), h('td', null, number(row.count)))))),
  ];
}

/** Depth of each node: the longest path to it from a node nothing forwards to. */
function depths(nodes) {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const parents = new Map(nodes.map((node) => [node.name, []]));
  for (const node of nodes) for (const next of node.next) parents.get(next)?.push(node.name);
  const depth = new Map();
  const visit = (name, seen) => {
    if (depth.has(name)) return depth.get(name);
    if (seen.has(name)) return 0; // a cycle: topologies have none, but never loop
    seen.add(name);
    const value = Math.max(-1, ...parents.get(name).map((parent) => visit(parent, seen))) + 1;
    depth.set(name, value);
    return value;
  };
  for (const node of nodes) visit(node.name, new Set());
  return { depth, parents, byName };
}

function subtitle(node) {
  if (node.kind === 'source') return `← ${node.topics.join(', ')}`;
  if (node.kind === 'sink') return `→ ${node.topics.join(', ')}`;
  return node.stores.length ? `stores: ${node.stores.join(', ')}` : 'processor';
}

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One sub-topology as an SVG graph, nodes in rows by depth. */
function draw(sub) {
  const { depth, parents } = depths(sub.nodes);
  const rows = [];
  for (const node of sub.nodes) (rows[depth.get(node.name)] ??= []).push(node);
  const position = new Map();
  rows.forEach((row, r) => {
    // Order each row by the mean position of its parents, so edges cross less.
    const key = (node) => {
      const xs = parents.get(node.name).map((p) => position.get(p)?.index).filter((i) => i !== undefined);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    };
    row.sort((a, b) => key(a) - key(b) || a.name.localeCompare(b.name));
    row.forEach((node, index) => position.set(node.name, { row: r, index }));
  });
  const widest = Math.max(...rows.map((row) => row.length));
  const width = widest * (BOX_W + GAP_X) + GAP_X;
  const height = rows.length * (BOX_H + GAP_Y) + GAP_Y / 2;
  const place = (name) => {
    const { row, index } = position.get(name);
    const count = rows[row].length;
    const offset = (width - count * (BOX_W + GAP_X) + GAP_X) / 2;
    return { x: offset + index * (BOX_W + GAP_X), y: GAP_Y / 2 + row * (BOX_H + GAP_Y) };
  };
  const markerId = `arrow-${sub.id}`;
  const edges = [];
  for (const node of sub.nodes) {
    const from = place(node.name);
    for (const next of node.next) {
      if (!position.has(next)) continue;
      const to = place(next);
      const x1 = from.x + BOX_W / 2;
      const y1 = from.y + BOX_H;
      const x2 = to.x + BOX_W / 2;
      const y2 = to.y - 3;
      edges.push(s('path', {
        class: 'edge', d: `M${x1},${y1} C${x1},${y1 + GAP_Y / 2} ${x2},${y2 - GAP_Y / 2} ${x2},${y2}`,
        'marker-end': `url(#${markerId})`,
      }));
    }
  }
  const rateLabels = new Map();
  const boxes = sub.nodes.map((node) => {
    const { x, y } = place(node.name);
    const rate = s('text', { class: 'rate', x: x + BOX_W - 6, y: y + 16, 'text-anchor': 'end' });
    rateLabels.set(node.name, { rate, node });
    return s('g', { class: `node node-${node.kind}`, 'data-node': node.name },
      s('title', null, `${node.kind} ${node.name}: ${subtitle(node)}`),
      s('rect', { x, y, width: BOX_W, height: BOX_H, rx: 6 }),
      s('text', { class: 'name', x: x + 8, y: y + 19 }, clip(node.name, node.kind === 'processor' ? 32 : 26)),
      s('text', { class: 'detail', x: x + 8, y: y + 38 }, clip(subtitle(node), 38)),
      rate);
  });
  const heading = h('h2', { id: `sub-${sub.id}-title` }, `Sub-topology ${sub.id}`);
  const rateText = h('span', { class: 'muted sub-rate' });
  const graph = s('svg', {
    class: 'graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-labelledby': `sub-${sub.id}-title`, 'data-subtopology': sub.id,
  },
  s('defs', null, s('marker', {
    id: markerId, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
  }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }))),
  edges, boxes);
  const element = h('article', { class: 'subtopology', 'aria-labelledby': `sub-${sub.id}-title` },
    h('header', null, heading, rateText),
    h('div', { class: 'graph-scroll' }, graph),
    h('details', null, h('summary', null, `The ${sub.nodes.length} nodes as a list`),
      h('ul', null, sub.nodes.map((node) => h('li', null,
        h('code', null, node.name), ` (${node.kind}) ${subtitle(node)}`,
        node.next.length ? ` → ${node.next.join(', ')}` : '')))));
  const update = (rates) => {
    // A sub-topology processes what its sources read.
    const read = sub.nodes.filter((node) => node.kind === 'source').flatMap((node) => node.topics)
      .map((topic) => rateOf(rates.consumed, topic)).filter((v) => v !== undefined);
    rateText.textContent = read.length === 0 ? ' · no rate yet' : ` · ${number(read.reduce((a, b) => a + b, 0))} records/s in`;
    for (const { rate, node } of rateLabels.values()) {
      const perTopic = node.kind === 'source' ? rates.consumed : node.kind === 'sink' ? rates.produced : null;
      if (!perTopic) continue;
      const values = node.topics.map((topic) => rateOf(perTopic, topic)).filter((v) => v !== undefined);
      rate.textContent = values.length ? `${number(values.reduce((a, b) => a + b, 0))}/s` : '';
    }
  };
  return { element, update };
}
