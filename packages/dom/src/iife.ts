// The self-contained script a page loads with a tag, in place of Intercom's widget script.
import { installIntercom } from './install';

const script = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
installIntercom({ window, scriptUrl: script?.src });
