/** `@relata/sdk/plugin` is the plugin API of `@relata/core/plugin`, so a plugin may depend on the SDK alone. */
import * as core from '@relata/core/plugin';
import { describe, expect, it } from 'vitest';
import * as sdk from '../src/plugin.ts';

describe('@relata/sdk/plugin', () => {
  it('re-exports every value of @relata/core/plugin, the same objects', () => {
    expect(Object.keys(sdk).sort()).toEqual(Object.keys(core).sort());
    expect(sdk.definePlugin).toBe(core.definePlugin);
    expect(sdk.field.currency().definition).toEqual({ type: 'CURRENCY' });
  });
});
