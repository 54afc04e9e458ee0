// The `compressible` package ships no types: it is one function of a MIME type, true
// for a type mime-db marks compressible, false for one it marks not, undefined when it
// does not say.
declare module 'compressible' {
  function compressible(type: string): boolean | undefined;
  export default compressible;
}
