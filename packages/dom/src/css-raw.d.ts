// A stylesheet imported as its text (Vite's `?raw`; tsup.config.ts's cssAsMinifiedText in builds).
declare module '*.css?raw' {
  const css: string;
  export default css;
}
