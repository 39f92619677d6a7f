declare module 'agent:source' {
  const source: string;
  export default source;
}
