import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { paletteCss } from './lib/colors.ts';

const style = document.createElement('style');
style.textContent = paletteCss();
document.head.append(style);

mount(App, { target: document.getElementById('app')! });
