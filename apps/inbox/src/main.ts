// The inbox's entry: the global look, then the app mounted into #app.
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
