import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';

import { render } from 'preact';

import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);
