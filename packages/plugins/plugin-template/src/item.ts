/**
 * The plugin's record type. Rename `item` / `items` (and `Item` in graphql.ts)
 * when you copy the template: a workspace cannot hold two types of one name, so
 * installing fails (ALREADY_EXISTS) where another plugin or an admin took it.
 *
 * Installing the plugin creates the type and its fields in one metadata change;
 * a newer `version` of the plugin adds fields and applies changed definitions
 * (choices, flags) at the next server start. Fields a version drops are kept.
 */
import { defineRecordType, field, type RecordOf } from '@relata/core/plugin';

export const item = defineRecordType({
  apiName: 'item',
  pluralApiName: 'items',
  label: 'Item',
  description: 'A named thing; the template plugin keeps its slug and a single pinned item.',
  fields: {
    /** Trimmed by beforeValidate; validate refuses a name without a letter or digit. */
    name: field.text({ required: true, searchable: true }),
    /** Made from the name by beforeChange; callers may not set it (validate). */
    slug: field.text({ indexed: true, description: 'Made from the name by the plugin' }),
    /** At most one item is pinned: afterChange unpins the others, afterDelete passes the pin on. */
    pinned: field.boolean({ default: false }),
    /** A locked item cannot be deleted (beforeDelete). */
    locked: field.boolean({ default: false }),
    /** Set by the `announce` handler once it has seen the item's creation. */
    announcedAt: field.datetime({ description: 'When the plugin announced the new item' }),
  },
});

/** An item's data as hooks, handlers and resolvers see it (stored forms). */
export type Item = RecordOf<typeof item>;

/** The fields only the plugin itself writes. */
export const READ_ONLY_FIELDS = ['slug', 'announcedAt'] as const;
