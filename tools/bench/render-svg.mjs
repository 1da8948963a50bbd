// Renders the Vega-Lite spec read from stdin to SVG on stdout. Vega ships only ES modules with a top-level
// await, which jest's CommonJS runtime cannot load, so tools/bench/plot.ts runs this file in a Node process of its own.
import { text } from 'node:stream/consumers';
import * as vega from 'vega';
import { compile } from 'vega-lite';

const view = new vega.View(vega.parse(compile(JSON.parse(await text(process.stdin))).spec), { renderer: 'none' });
process.stdout.write(await view.toSVG());
view.finalize();
