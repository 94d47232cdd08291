/** URL slug from a title: lowercase ASCII words joined by dashes, at most 60 characters. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'story';
}

/** The canonical path of a story. */
export function storyPath(story: { id: number; slug: string }): string {
  return `/stories/${story.id}-${story.slug}`;
}

/** Splits "123-some-slug" into its id and slug; null when it does not start with an id. */
export function parseStoryParam(param: string | undefined): { id: number; slug: string } | null {
  const match = /^(\d{1,12})(?:-(.*))?$/.exec(param ?? '');
  if (!match) return null;
  const id = Number(match[1]);
  if (!Number.isSafeInteger(id) || id < 1) return null;
  return { id, slug: match[2] ?? '' };
}
