/**
 * Lead scoring is written as a third party would write it: its source imports only
 * the public plugin API (`@relata/core/plugin`) and its own files, and depends
 * at run time on nothing of Relata's but @relata/core.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pluginPackageProblems } from '@relata/core/testing';
import { describe, expect, it } from 'vitest';

describe('@relata/plugin-lead-scoring', () => {
  it('imports nothing but the plugin API and its own files, in files under 400 lines', () => {
    expect(pluginPackageProblems(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'))).toEqual([]);
  });
});
