// Reads a V8 heap snapshot while its chunks arrive (HeapProfiler.addHeapSnapshotChunk), straight
// into typed arrays: the JSON text is never held whole, so peak memory is the graph itself (about
// 4 bytes per number) rather than text + parsed arrays. Only what a census needs is kept: meta,
// nodes, edges, locations and strings.

export interface HeapSnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
  location_fields?: string[];
}

export interface HeapGraphData {
  meta: HeapSnapshotMeta;
  nodes: Uint32Array;
  edges: Uint32Array;
  locations: Uint32Array;
  strings: string[];
}

type Section = 'header' | 'seek' | 'numbers' | 'strings' | 'done';

const NUMBER_SECTIONS = new Set(['nodes', 'edges', 'locations']);
/** Sections read past without keeping (allocation traces, samples). */
const SKIPPED_NUMBER_SECTIONS = new Set(['trace_function_infos', 'trace_tree', 'samples']);

export class HeapSnapshotReader {
  private section: Section = 'header';
  private header = '';
  private meta: HeapSnapshotMeta | undefined;
  private nodeCount = 0;
  private edgeCount = 0;
  private readonly arrays: Record<string, Uint32Array> = {};
  private growable: number[] = [];
  private current = '';
  private filled = 0;
  private pendingNumber = -1;
  private nesting = 0;
  private tail = '';
  private readonly strings: string[] = [];
  private stringText: string[] | undefined;
  private escaped = false;
  /** Total characters read so far (for progress). */
  charsRead = 0;

  push(chunk: string): void {
    this.charsRead += chunk.length;
    let text = chunk;
    while (text.length > 0 && this.section !== 'done') text = this.step(text);
  }

  finish(): HeapGraphData {
    if (!this.meta || this.section !== 'done') throw new Error('The heap snapshot ended early (incomplete data).');
    const empty = new Uint32Array(0);
    return {
      meta: this.meta,
      nodes: this.arrays.nodes ?? empty,
      edges: this.arrays.edges ?? empty,
      locations: this.arrays.locations ?? empty,
      strings: this.strings,
    };
  }

  /** Consumes part of `text`, returns what is left. */
  private step(text: string): string {
    switch (this.section) {
      case 'header':
        return this.readHeader(text);
      case 'seek':
        return this.seekSection(text);
      case 'numbers':
        return this.readNumbers(text);
      case 'strings':
        return this.readStrings(text);
      default:
        return '';
    }
  }

  private readHeader(text: string): string {
    this.header += text;
    const at = this.header.indexOf('"nodes"');
    if (at < 0) {
      if (this.header.length > 1_000_000) throw new Error('Not a V8 heap snapshot (no "nodes" section).');
      return '';
    }
    // `{"snapshot":{...},` before "nodes": close it to parse the header on its own.
    const head = this.header.slice(0, at).replace(/,\s*$/, '');
    const parsed = JSON.parse(`${head}}`) as { snapshot: { meta: HeapSnapshotMeta; node_count: number; edge_count: number } };
    this.meta = parsed.snapshot.meta;
    this.nodeCount = parsed.snapshot.node_count;
    this.edgeCount = parsed.snapshot.edge_count;
    const rest = this.header.slice(at);
    this.header = '';
    this.section = 'seek';
    return rest;
  }

  /** Finds `"name":[` and sets up the reading of that array. */
  private seekSection(text: string): string {
    this.tail += text;
    const match = /"(\w+)"\s*:\s*\[/.exec(this.tail);
    if (!match) {
      if (/}\s*$/.test(this.tail) && !this.tail.includes('"')) this.section = 'done';
      this.tail = this.tail.slice(-64);
      return '';
    }
    const name = match[1];
    const rest = this.tail.slice(match.index + match[0].length);
    this.tail = '';
    this.current = name;
    if (name === 'strings') {
      this.section = 'strings';
      return rest;
    }
    this.section = 'numbers';
    this.filled = 0;
    this.pendingNumber = -1;
    this.nesting = 0;
    this.growable = [];
    if (name === 'nodes') this.arrays.nodes = new Uint32Array(this.nodeCount * this.meta!.node_fields.length);
    else if (name === 'edges') this.arrays.edges = new Uint32Array(this.edgeCount * this.meta!.edge_fields.length);
    return rest;
  }

  private readNumbers(text: string): string {
    const keep = NUMBER_SECTIONS.has(this.current) && !SKIPPED_NUMBER_SECTIONS.has(this.current);
    const fixed = this.arrays[this.current];
    let value = this.pendingNumber;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        value = value < 0 ? c - 48 : value * 10 + (c - 48);
        continue;
      }
      if (value >= 0) {
        if (keep) {
          const stored = value > 0xffffffff ? 0xffffffff : value;
          if (fixed) {
            if (this.filled < fixed.length) fixed[this.filled++] = stored;
          } else this.growable.push(stored);
        }
        value = -1;
      }
      if (c === 91) this.nesting++;
      else if (c === 93) {
        if (this.nesting === 0) {
          if (keep && !fixed) this.arrays[this.current] = Uint32Array.from(this.growable);
          this.growable = [];
          this.pendingNumber = -1;
          this.section = 'seek';
          return text.slice(i + 1);
        }
        this.nesting--;
      }
    }
    this.pendingNumber = value;
    return '';
  }

  /** The strings array: each JSON string is collected raw and decoded with JSON.parse. */
  private readStrings(text: string): string {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.stringText) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) {
          this.stringText.push(text.slice(start, i + 1));
          this.strings.push(JSON.parse(this.stringText.join('')) as string);
          this.stringText = undefined;
        }
        continue;
      }
      if (c === 34) {
        this.stringText = [];
        start = i;
      } else if (c === 93) {
        this.section = 'done';
        return '';
      }
    }
    if (this.stringText) this.stringText.push(text.slice(start));
    return '';
  }
}
