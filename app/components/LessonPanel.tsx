import { Panel } from './Panel.tsx';

export function LessonPanel() {
  return (
    <Panel id="lesson" title="Lesson">
      <div className="lesson">
        <h3 className="lesson__title">Welcome to PID&nbsp;1 Lab</h3>
        <p>
          PID&nbsp;1 Lab shows what really happens to processes inside a container: who becomes
          PID&nbsp;1, where signals go, and who reaps the zombies.
        </p>
        <p>
          Everything runs on a deterministic model of the Linux kernel in your browser, so each run
          is repeatable and nothing touches your machine.
        </p>
        <p className="lesson__try">
          Click in the terminal, type <kbd>help</kbd> and press <kbd>Enter</kbd>.
        </p>
      </div>
    </Panel>
  );
}
