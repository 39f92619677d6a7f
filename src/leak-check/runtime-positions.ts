// Positions in code a test runner transforms in memory (jest's babel, vitest's vite): the source
// maps live only inside the runner, which maps stack traces through the Error.prepareStackTrace
// it installs. A frame is passed through that function as a call site and its answer parsed.
// jest installs it in Node's main realm while this module runs in the test's vm context, so both
// realms' Error are asked.
import * as vm from 'node:vm';
import type { RawFrame } from '../agent/protocol';

type Prepare = (error: Error, sites: NodeJS.CallSite[]) => unknown;

/** A call site made from a frame; methods on the prototype, as source-map-support's clone expects. */
class FrameCallSite {
  constructor(private readonly frame: RawFrame) {}
  getThis(): undefined {
    return undefined;
  }
  getTypeName(): null {
    return null;
  }
  getFunction(): undefined {
    return undefined;
  }
  getFunctionName(): string | null {
    return this.frame.function === '<anonymous>' ? null : this.frame.function;
  }
  getMethodName(): null {
    return null;
  }
  getFileName(): string {
    return this.frame.file;
  }
  getLineNumber(): number {
    return this.frame.line;
  }
  getColumnNumber(): number {
    return this.frame.column;
  }
  getEvalOrigin(): undefined {
    return undefined;
  }
  getScriptNameOrSourceURL(): string {
    return this.frame.file;
  }
  getScriptHash(): string {
    return '';
  }
  getEnclosingLineNumber(): null {
    return null;
  }
  getEnclosingColumnNumber(): null {
    return null;
  }
  getPosition(): number {
    return 0;
  }
  getPromiseIndex(): null {
    return null;
  }
  isToplevel(): boolean {
    return true;
  }
  isEval(): boolean {
    return false;
  }
  isNative(): boolean {
    return false;
  }
  isConstructor(): boolean {
    return false;
  }
  isAsync(): boolean {
    return false;
  }
  isPromiseAll(): boolean {
    return false;
  }
  toString(): string {
    return `${this.frame.function} (${this.frame.file}:${this.frame.line}:${this.frame.column})`;
  }
}

/** The frame's position as the runner's installed stack formatter maps it; the frame itself when there is none. */
export function runtimePosition(frame: RawFrame): RawFrame {
  if (frame.line <= 0 || frame.file === '' || frame.file.startsWith('node:')) return frame;
  for (const ErrorClass of realmErrors()) {
    const mapped = through(ErrorClass.prepareStackTrace as Prepare | undefined, frame);
    if (mapped.file !== frame.file || mapped.line !== frame.line || mapped.column !== frame.column) return mapped;
  }
  return frame;
}

let errors: ErrorConstructor[] | undefined;

function realmErrors(): ErrorConstructor[] {
  if (!errors) {
    const main = vm.runInThisContext('Error') as ErrorConstructor;
    errors = main === Error ? [Error] : [Error, main];
  }
  return errors;
}

function through(prepare: Prepare | undefined, frame: RawFrame): RawFrame {
  if (typeof prepare !== 'function') return frame;
  try {
    const text = prepare({ name: 'Error', message: '' } as Error, [new FrameCallSite(frame) as unknown as NodeJS.CallSite]);
    if (typeof text !== 'string') return frame;
    const last = text.slice(text.lastIndexOf('\n') + 1).replace(/^\s*at /, '');
    const match = /^(?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(last);
    if (!match) return frame;
    return { ...frame, file: match[1], line: Number(match[2]), column: Number(match[3]) };
  } catch {
    return frame;
  }
}
