import { createIntercom } from '@confab/svelte';
import { mount } from 'svelte';
import DemoPage from './DemoPage.svelte';

const target = document.getElementById('app')!;
// Svelte's mount adds to the target: the "loading" line goes first.
target.replaceChildren();
mount(DemoPage, { target, props: { intercom: createIntercom({ app_id: 'demo' }) } });
