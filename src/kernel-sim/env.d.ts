/**
 * The one host API the model uses: structuredClone (HTML structured clone), present in every
 * browser and in Node.js 17+. Declared here because src/ compiles without the DOM and Node libs.
 */
declare function structuredClone<T>(value: T): T;
