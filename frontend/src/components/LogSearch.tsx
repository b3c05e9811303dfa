interface Props {
  query: string;
  onQuery: (query: string) => void;
  matchCount: number;
  active: number;
  onStep: (delta: 1 | -1) => void;
}

export function LogSearch({ query, onQuery, matchCount, active, onStep }: Props) {
  return (
    <div className="log-search">
      <input
        type="search"
        placeholder="Search log"
        aria-label="Search log"
        value={query}
        onChange={(event) => onQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") onStep(event.shiftKey ? -1 : 1);
        }}
      />
      {query && (
        <span className="match-count" data-testid="match-count">
          {matchCount === 0 ? "no matches" : `${active + 1} / ${matchCount}`}
        </span>
      )}
      <button type="button" onClick={() => onStep(-1)} disabled={matchCount === 0} aria-label="Previous match">
        ↑
      </button>
      <button type="button" onClick={() => onStep(1)} disabled={matchCount === 0} aria-label="Next match">
        ↓
      </button>
    </div>
  );
}
