// Bundles the harness page (test/browser/entry.js) with webpack and swc, the
// tools the plugin's own build uses, into outDir.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const here = path.dirname(fileURLToPath(import.meta.url));

/** bundle writes harness.js into outDir and resolves when webpack is done. */
export function bundle(outDir) {
  const compiler = webpack({
    mode: 'development',
    devtool: false,
    context: path.resolve(here, '../..'),
    entry: path.join(here, 'entry.js'),
    output: { path: outDir, filename: 'harness.js' },
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.json'],
      fallback: { fs: false, path: false, os: false, crypto: false },
    },
    module: {
      rules: [
        {
          test: /\.[tj]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                parser: { syntax: 'typescript', tsx: true },
                transform: { react: { runtime: 'automatic' } },
                target: 'es2020',
              },
            },
          },
        },
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        { test: /\.(svg|png|jpe?g|gif|woff2?|ttf|eot)$/, type: 'asset/inline' },
      ],
    },
    performance: { hints: false },
    infrastructureLogging: { level: 'error' },
    stats: 'errors-only',
  });
  return new Promise((resolve, reject) => {
    compiler.run((err, stats) => {
      compiler.close(() => undefined);
      if (err) {
        reject(err);
      } else if (stats.hasErrors()) {
        reject(new Error('bundle the browser harness:\n' + stats.toString('errors-only')));
      } else {
        resolve();
      }
    });
  });
}
