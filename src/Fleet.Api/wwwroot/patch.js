// Live updates change what is on screen in place: only the children that differ are replaced, and when keyboard
// focus was inside a replaced child it moves to the element with the same data-key in its replacement (a link or a
// button that is still there), so an update never sends focus to <body>.

export function patchChildren(target, fresh) {
  const focused = document.activeElement;
  const oldChildren = [...target.children];
  const newChildren = [...fresh.children];
  let refocus = null;
  for (let i = 0; i < Math.max(oldChildren.length, newChildren.length); i += 1) {
    const before = oldChildren[i];
    const after = newChildren[i];
    if (before && after && before.isEqualNode(after)) continue;
    if (before && focused && before.contains(focused)) refocus = keyOf(focused);
    if (before && after) before.replaceWith(after);
    else if (after) target.append(after);
    else before.remove();
  }
  for (const name of fresh.getAttributeNames()) {
    if (target.getAttribute(name) !== fresh.getAttribute(name)) target.setAttribute(name, fresh.getAttribute(name));
  }
  if (refocus !== null) {
    const again = target.querySelector(`[data-key="${CSS.escape(refocus)}"]`);
    if (again) again.focus({ preventScroll: true });
    else if (target.tabIndex >= 0 || target.hasAttribute('tabindex')) target.focus({ preventScroll: true });
  }
}

function keyOf(node) {
  const keyed = node.closest('[data-key]');
  return keyed ? keyed.dataset.key : '';
}
