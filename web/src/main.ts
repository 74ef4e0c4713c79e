import { mount } from 'svelte'
import App from './app/App.svelte'
import { registerServiceWorker } from './app/service-worker'

const target = document.getElementById('app')
if (!target) throw new Error('index.html lacks #app')
mount(App, { target })
registerServiceWorker()
