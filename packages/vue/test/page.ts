/** A blank page between tests: no elements, cookies or localStorage left from the last one. */
export function clearPage() {
  document.body.replaceChildren();
  for (const entry of document.cookie.split('; ').filter(Boolean)) {
    document.cookie = `${entry.split('=')[0]}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
  localStorage.clear();
}
