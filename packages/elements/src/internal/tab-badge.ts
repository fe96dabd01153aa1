/** Colour of the dot drawn on the tab's icon while a call rings. */
const DOT = '#e03131';
const SIZE = 32;

/**
 * The page's icon (`href`) with a red dot, as a PNG data URL; the dot alone when there is no
 * icon, it does not decode, or it is another origin's (the canvas then refuses to export).
 */
export async function badgedIcon(href: string | undefined): Promise<string> {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = SIZE;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const dot = () => {
    ctx.fillStyle = DOT;
    ctx.beginPath();
    ctx.arc(SIZE * 0.7, SIZE * 0.3, SIZE * 0.3, 0, 2 * Math.PI);
    ctx.fill();
  };
  try {
    if (href) {
      const image = new Image();
      image.src = href;
      await image.decode();
      ctx.drawImage(image, 0, 0, SIZE, SIZE);
    }
    dot();
    return canvas.toDataURL('image/png');
  } catch {
    ctx.clearRect(0, 0, SIZE, SIZE);
    dot();
    return canvas.toDataURL('image/png');
  }
}

/**
 * The tab's title and icon while a call rings — "Incoming call — Ann" and the page's icon with a
 * red dot — so that the ringing tab stands out in a row of tabs. `hide()` puts back what the
 * page had; a title the page set meanwhile is left alone. Loaded when a call first rings
 * (`<synapse-incoming-call>` imports it then), so pages where nothing rings never download it.
 */
export class TabBadge {
  private saved:
    { title: string; shown: string; link: HTMLLinkElement | null; href: string | null } | undefined;
  private added: HTMLLinkElement | undefined;

  show(title: string): void {
    if (!this.saved) {
      const link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
      const saved = {
        title: document.title,
        shown: title,
        link,
        href: link?.getAttribute('href') ?? null,
      };
      this.saved = saved;
      void badgedIcon(link?.href).then((url) => {
        if (this.saved !== saved) return;
        let target = link;
        if (!target) {
          target = this.added = document.createElement('link');
          target.rel = 'icon';
          document.head.append(target);
        }
        target.setAttribute('href', url);
      });
    }
    this.saved.shown = title;
    document.title = title;
  }

  hide(): void {
    const saved = this.saved;
    if (!saved) return;
    this.saved = undefined;
    if (document.title === saved.shown) document.title = saved.title;
    if (saved.link && saved.href !== null) saved.link.setAttribute('href', saved.href);
    this.added?.remove();
    this.added = undefined;
  }
}
