/** The `tooling` project's global setup (filled in by the generate-once step). */
export default function setup() {}
