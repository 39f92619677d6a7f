// Finds pending async work in a heap graph: suspended async functions (grouped by their function,
// since V8 does not put the suspended position in a snapshot) and active timers (by the location
// of their callback, which closures carry). Pure code over the typed arrays of heap-snapshot-reader.
import type { HeapGraphData } from './heap-snapshot-reader';

/** 0-based positions, as V8 gives them. */
export interface CodeLocation {
  script: string;
  line: number;
  column: number;
  function: string;
}

export interface TaskGroup {
  /** Where the async function is defined. */
  fn: CodeLocation;
  /** Heap ids of the suspended async function objects. */
  tasks: number[];
  /** Heap ids of their result promises (same order; 0 when not found). */
  promises: number[];
}

export interface TimerGroup {
  callback: CodeLocation;
  timers: number[];
}

export interface CensusScan {
  tasks: TaskGroup[];
  timers: TimerGroup[];
  nodeCount: number;
}

export function scanHeapGraph(graph: HeapGraphData): CensusScan {
  const g = new Graph(graph);
  const tasks = new Map<string, TaskGroup>();
  const timers = new Map<string, TimerGroup>();
  for (let node = 0; node < g.nodeCount; node++) {
    if (g.type(node) !== 'object') continue;
    const name = g.name(node);
    if (name === 'Timeout') addTimer(g, node, timers);
    else addTask(g, node, tasks);
  }
  return { tasks: [...tasks.values()], timers: [...timers.values()], nodeCount: g.nodeCount };
}

/** An async function's suspended state: internal `function` and `parameters_and_registers` edges and its result promise. */
function addTask(g: Graph, node: number, groups: Map<string, TaskGroup>): void {
  let fn = -1;
  let registers = false;
  let promise = -1;
  g.forEachEdge(node, (edgeType, edgeName, to) => {
    if (edgeType === 'internal' && edgeName === 'function') fn = to;
    else if (edgeType === 'internal' && edgeName === 'parameters_and_registers') registers = true;
    else if ((edgeType === 'hidden' || edgeType === 'internal') && g.type(to) === 'object' && g.name(to) === 'Promise') promise = to;
  });
  if (fn < 0 || !registers || promise < 0) return;
  const location = g.closureLocation(fn);
  if (!location) return;
  const key = `${location.script}\u0000${location.line}\u0000${location.column}`;
  let group = groups.get(key);
  if (!group) groups.set(key, (group = { fn: location, tasks: [], promises: [] }));
  group.tasks.push(g.id(node));
  group.promises.push(g.id(promise));
}

/** A Timeout still in a timer list (fired or cleared ones are unlinked) and its callback. */
function addTimer(g: Graph, node: number, groups: Map<string, TimerGroup>): void {
  let callback = -1;
  let linked = false;
  g.forEachEdge(node, (edgeType, edgeName, to) => {
    if (edgeType !== 'property') return;
    if (edgeName === '_onTimeout' && g.type(to) === 'closure') callback = to;
    else if (edgeName === '_idleNext') linked = g.type(to) === 'object';
  });
  if (callback < 0 || !linked) return;
  const location = g.closureLocation(callback);
  if (!location) return;
  const key = `${location.script}\u0000${location.line}\u0000${location.column}`;
  let group = groups.get(key);
  if (!group) groups.set(key, (group = { callback: location, timers: [] }));
  group.timers.push(g.id(node));
}

type EdgeVisitor = (edgeType: string, edgeName: string, to: number) => void;

/** Node-index view of the flat arrays (node index = position / node field count). */
class Graph {
  readonly nodeCount: number;
  private readonly nodeFields: number;
  private readonly edgeFields: number;
  private readonly firstEdge: Uint32Array;
  private readonly typeAt: number;
  private readonly nameAt: number;
  private readonly idAt: number;
  private readonly edgeCountAt: number;
  private readonly edgeTypeAt: number;
  private readonly edgeNameAt: number;
  private readonly edgeToAt: number;
  private readonly nodeTypes: string[];
  private readonly edgeTypes: string[];
  private readonly locations = new Map<number, number>();
  private readonly locationFields: number;
  private readonly lineAt: number;
  private readonly columnAt: number;

  constructor(private readonly data: HeapGraphData) {
    const { meta } = data;
    this.nodeFields = meta.node_fields.length;
    this.edgeFields = meta.edge_fields.length;
    this.typeAt = meta.node_fields.indexOf('type');
    this.nameAt = meta.node_fields.indexOf('name');
    this.idAt = meta.node_fields.indexOf('id');
    this.edgeCountAt = meta.node_fields.indexOf('edge_count');
    this.edgeTypeAt = meta.edge_fields.indexOf('type');
    this.edgeNameAt = meta.edge_fields.indexOf('name_or_index');
    this.edgeToAt = meta.edge_fields.indexOf('to_node');
    this.nodeTypes = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    this.nodeCount = Math.floor(data.nodes.length / this.nodeFields);
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    let edge = 0;
    for (let n = 0; n < this.nodeCount; n++) {
      this.firstEdge[n] = edge;
      edge += data.nodes[n * this.nodeFields + this.edgeCountAt] * this.edgeFields;
    }
    this.firstEdge[this.nodeCount] = edge;
    const fields = meta.location_fields ?? ['object_index', 'script_id', 'line', 'column'];
    this.locationFields = fields.length;
    const objectAt = fields.indexOf('object_index');
    this.lineAt = fields.indexOf('line');
    this.columnAt = fields.indexOf('column');
    for (let i = 0; i < data.locations.length; i += this.locationFields) this.locations.set(data.locations[i + objectAt] / this.nodeFields, i);
  }

  type(node: number): string {
    return this.nodeTypes[this.data.nodes[node * this.nodeFields + this.typeAt]] ?? '';
  }

  name(node: number): string {
    return this.data.strings[this.data.nodes[node * this.nodeFields + this.nameAt]] ?? '';
  }

  id(node: number): number {
    return this.data.nodes[node * this.nodeFields + this.idAt];
  }

  forEachEdge(node: number, visit: EdgeVisitor): void {
    const { edges, strings } = this.data;
    for (let e = this.firstEdge[node]; e < this.firstEdge[node + 1]; e += this.edgeFields) {
      const edgeType = this.edgeTypes[edges[e + this.edgeTypeAt]] ?? '';
      const raw = edges[e + this.edgeNameAt];
      const edgeName = edgeType === 'element' || edgeType === 'hidden' ? String(raw) : (strings[raw] ?? '');
      visit(edgeType, edgeName, edges[e + this.edgeToAt] / this.nodeFields);
    }
  }

  edgeTo(node: number, name: string): number {
    let found = -1;
    this.forEachEdge(node, (_type, edgeName, to) => {
      if (found < 0 && edgeName === name) found = to;
    });
    return found;
  }

  /** Where a closure is defined, with its script's name (closure -> shared -> script). */
  closureLocation(closure: number): CodeLocation | undefined {
    const at = this.locations.get(closure);
    if (at === undefined) return undefined;
    const shared = this.edgeTo(closure, 'shared');
    let script = shared < 0 ? -1 : this.edgeTo(shared, 'script');
    if (script < 0 && shared >= 0) script = this.edgeTo(shared, 'script_or_debug_info');
    const scriptName = script < 0 ? '' : this.name(script);
    const loc = this.data.locations;
    return { script: scriptName, line: loc[at + this.lineAt], column: loc[at + this.columnAt], function: this.name(closure) };
  }
}
