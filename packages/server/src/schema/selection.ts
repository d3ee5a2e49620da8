/** Reading a resolver's own selection set, to compute only what was asked for. */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** True when the field being resolved selects `name` directly (through fragments too). */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (set: SelectionSetNode | undefined, seen: Set<string>): boolean => {
    if (!set) return false;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD && selection.name.value === name) return true;
      if (selection.kind === Kind.INLINE_FRAGMENT && visit(selection.selectionSet, seen)) return true;
      if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        if (visit(info.fragments[selection.name.value]?.selectionSet, seen)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => visit(node.selectionSet, new Set()));
}
