/**
 * The plugins `npm start` (`relata start` in this directory) runs, in order.
 *
 * This is the default configuration spelled out: without a relata.config.ts the
 * server runs the same two plugins. Nothing registers itself on import: a plugin
 * runs because it is listed here. Hooks of several plugins on one record type run
 * in this order, and lead scoring adds fields to the CRM's lead, so it comes after.
 * installOnNewWorkspaces: true installs both into every new workspace (the demo
 * workspace of the first start, `relata workspace create`). After changing a
 * plugin's version, the next start upgrades every workspace that has it.
 *
 * See docs/plugin-config.md.
 */
import crm from '@relata/plugin-crm';
import leadScoring from '@relata/plugin-lead-scoring';
import { defineConfig } from '@relata/server/config';

export default defineConfig({
  plugins: [crm, leadScoring],
  installOnNewWorkspaces: true,
});
