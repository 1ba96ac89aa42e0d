// Entry of the browser test's page: mounts the query editor harness.
import { mountHarness } from '../../src/testing/queryEditorHarness';

mountHarness(document.getElementById('root'));
