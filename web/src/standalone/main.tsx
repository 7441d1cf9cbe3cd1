import { render } from 'preact';
import '../styles.css';
import { StandaloneVerifier } from './StandaloneVerifier.js';

render(<StandaloneVerifier />, document.getElementById('app')!);
