/** Search hits grouped per story, so a reader sees each story once with every place it matched. */
export interface GroupableHit {
  kind: 'story' | 'lesson' | 'comment';
  storyId: number;
  storyTitle: string;
  url: string;
  snippetHtml: string;
}

export interface StoryHitGroup<T extends GroupableHit> {
  storyId: number;
  storyTitle: string;
  storyUrl: string;
  hits: T[];
}

/** Groups hits by story, in the order each story first appears (best match first). */
export function groupHitsByStory<T extends GroupableHit>(hits: T[]): StoryHitGroup<T>[] {
  const groups = new Map<number, StoryHitGroup<T>>();
  for (const hit of hits) {
    let group = groups.get(hit.storyId);
    if (!group) {
      group = { storyId: hit.storyId, storyTitle: hit.storyTitle, storyUrl: hit.url.split('#')[0], hits: [] };
      groups.set(hit.storyId, group);
    }
    group.hits.push(hit);
  }
  return [...groups.values()];
}
