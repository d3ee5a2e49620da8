/** pluginPackageProblems names each way a plugin package reaches past the plugin API. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pluginPackageProblems } from '../../src/testing/plugin-package.ts';

describe('pluginPackageProblems', () => {
  it('names engine imports, relative imports out of src, long files and runtime dependencies on Relata packages', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-plugin-pkg-'));
    fs.mkdirSync(path.join(root, 'src', 'types'), { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ dependencies: { '@relata/core': '0.1.0', '@relata/server': '0.1.0' } }));
    fs.writeFileSync(path.join(root, 'src', 'index.ts'), "import { definePlugin } from '@relata/core/plugin';\nimport { x } from './types/a.ts';\n");
    fs.writeFileSync(path.join(root, 'src', 'types', 'a.ts'), "import { createEngine } from '@relata/core';\nexport * from '../../outside.ts';\n" + '\n'.repeat(400));
    try {
      expect(pluginPackageProblems(root)).toEqual([
        'src/types/a.ts: imports @relata/core, not the plugin API',
        'src/types/a.ts: ../../outside.ts reaches outside src',
        'src/types/a.ts: 403 lines; split it',
        'package.json: depends on @relata/server at run time',
      ]);
      fs.writeFileSync(path.join(root, 'src', 'types', 'a.ts'), 'export const x = 1;\n');
      fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ dependencies: { '@relata/core': '0.1.0' } }));
      expect(pluginPackageProblems(root)).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
