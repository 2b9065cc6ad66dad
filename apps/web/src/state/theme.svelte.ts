// Light or dark, remembered per browser. index.html applies the stored choice before the first
// paint; this class keeps it in sync afterwards.
export type ThemeName = 'light' | 'dark';

const KEY = 'tracegres.theme';

class Theme {
  name = $state<ThemeName>(document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');

  toggle(): void {
    this.set(this.name === 'dark' ? 'light' : 'dark');
  }

  set(name: ThemeName): void {
    this.name = name;
    document.documentElement.dataset.theme = name;
    try {
      localStorage.setItem(KEY, name);
    } catch {
      // Storage may be disabled (private mode); the theme still applies for this page.
    }
  }
}

export const theme = new Theme();
