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
  /**
   * Heap ids of the promises they await (same order), else of their result promises: what the
   * agent follows. The awaited one settles when the function resumes, so a function that
   * resumes and waits again is not counted twice (once by the census, once by the hooks).
   */
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
  const found: FoundTask[] = [];
  const promises: number[] = [];
  for (let node = 0; node < g.nodeCount; node++) {
    if (g.type(node) !== 'object') continue;
    const name = g.name(node);
    if (name === 'Timeout') addTimer(g, node, timers);
    else if (name === 'Promise') promises.push(node);
    else {
      const task = asTask(g, node);
      if (task) found.push(task);
    }
  }
  const awaited = awaitedPromises(g, promises, new Set(found.map((t) => t.node)));
  for (const task of found) addTask(g, task, awaited.get(task.node) ?? task.result, tasks);
  return { tasks: [...tasks.values()], timers: [...timers.values()], nodeCount: g.nodeCount };
}

interface FoundTask {
  node: number;
  fn: number;
  result: number;
}

/** Reactions followed per promise at most (a promise awaited by thousands is still one wait). */
const MAX_REACTIONS = 10_000;

/**
 * The promise each suspended function awaits: promise -> reactions_or_result -> PromiseReaction
 * (-> next ...) -> the await's handler closure -> its context -> extension: the function's state.
 */
function awaitedPromises(g: Graph, promises: number[], tasks: Set<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const promise of promises) {
    let reaction = g.edgeTo(promise, 'reactions_or_result');
    for (let n = 0; n < MAX_REACTIONS && reaction >= 0 && g.name(reaction) === 'system / PromiseReaction'; n++) {
      let next = -1;
      g.forEachEdge(reaction, (_type, edgeName, to) => {
        if (g.type(to) === 'closure') {
          const context = g.edgeTo(to, 'context');
          const task = context < 0 ? -1 : g.edgeTo(context, 'extension');
          if (tasks.has(task) && !out.has(task)) out.set(task, promise);
        } else if (edgeName === 'next' || g.name(to) === 'system / PromiseReaction') next = to;
      });
      reaction = next;
    }
  }
  return out;
}

/** An async function's suspended state: internal `function` and `parameters_and_registers` edges and its result promise. */
function asTask(g: Graph, node: number): FoundTask | undefined {
  let fn = -1;
  let registers = false;
  let promise = -1;
  g.forEachEdge(node, (edgeType, edgeName, to) => {
    if (edgeType === 'internal' && edgeName === 'function') fn = to;
    else if (edgeType === 'internal' && edgeName === 'parameters_and_registers') registers = true;
    else if ((edgeType === 'hidden' || edgeType === 'internal') && g.type(to) === 'object' && g.name(to) === 'Promise') promise = to;
  });
  if (fn < 0 || !registers || promise < 0) return undefined;
  return { node, fn, result: promise };
}

function addTask(g: Graph, task: FoundTask, follow: number, groups: Map<string, TaskGroup>): void {
  const location = g.closureLocation(task.fn);
  if (!location) return;
  const key = `${location.script}\u0000${location.line}\u0000${location.column}`;
  let group = groups.get(key);
  if (!group) groups.set(key, (group = { fn: location, tasks: [], promises: [] }));
  group.tasks.push(g.id(task.node));
  group.promises.push(g.id(follow));
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
    for (let i = 0; i < data.locations.length; i += this.locationFields)
      this.locations.set(data.locations[i + objectAt] / this.nodeFields, i);
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
