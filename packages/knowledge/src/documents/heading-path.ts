interface OpenHeading {
  level: number;
  text: string;
}

/** Tracks the heading path as headings of levels 1–6 arrive in document order. */
export class HeadingPath {
  private readonly open: OpenHeading[] = [];

  /** Closes headings at this level or deeper, opens this one, and returns the new path. */
  enter(level: number, text: string): string[] {
    while ((this.open.at(-1)?.level ?? 0) >= level) this.open.pop();
    this.open.push({ level, text });
    return this.current();
  }

  current(): string[] {
    return this.open.map((heading) => heading.text);
  }
}
