"""A layered (Sugiyama-style) layout in pure Python, for the SVG and HTML views.

1. Layers: cycles (only in files with errors) are broken by reversing DFS back
   edges; each node goes one layer below its deepest predecessor, then sources
   (pipeline inputs, data) move down next to their first consumer.
2. Ranks: node layer ``L`` is rank ``2L``; the odd rank just above a target
   holds one label box per edge, and a long edge's other ranks hold dummy
   points shared by every edge leaving the same source. Those points stay
   within a budget linear in the graph's size: past it, the sources with the
   longest edges send them down a straight lane beside the drawing instead, so
   that thousands of steps each read thousands of layers below cost linear
   time and output.
3. Order: a bounded number of barycenter sweeps (crossings counted, best kept).
4. Coordinates: in each rank, a weighted least-squares pull towards the
   neighbours under the order and spacing constraints (pool-adjacent-violators,
   linear time).
5. Routes: polylines that run straight through their own rank band and bend
   only in the empty gap between two bands, so no segment can cross a box.

Coordinates are computed along an "order" axis (across a rank) and a "rank"
axis and turned into screen ``x``/``y`` at the end (``TB``: order is ``x``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field
from itertools import pairwise

from azpipe.records import record

MARGIN = 16.0
NODE_GAP = 28.0  # between two boxes of one rank
DUMMY_GAP = 12.0  # next to an edge point or label
MIN_RANK_GAP = 14.0
MAX_RANK_GAP = 44.0
LABEL_PAD = 4.0
LOOP = 14.0  # how far a self-loop reaches out of its box
SWEEPS = 6
TRANSPOSE_PASSES = 4
MULTI_START_ITEMS = 3000  # bigger graphs get one starting order
CHAIN_BUDGET = (4, 100)  # dummy points allowed: 4 per node and edge, plus 100
PLACEMENT_PASSES = 8
WEIGHTS = {"node": 1.0, "label": 2.0, "chain": 4.0}

Point = tuple[float, float]


@record(frozen=True)
class Link:
    """An edge to lay out between two node ids; ``label`` is the label's screen size."""

    source: str
    target: str
    label: tuple[float, float] = (0.0, 0.0)


@record(frozen=True)
class Rect:
    """A screen rectangle (top-left corner and size)."""

    x: float
    y: float
    w: float
    h: float


@record
class Trunk:
    """The shared first part of long edges leaving one node, drawn once (no arrow)."""

    points: list[Point]
    links: list[int]  # the links that start with it


@record
class Layout:
    """Node boxes, one polyline per link, label boxes and trunks.

    A link's route runs from its source to its target, except for a long edge,
    whose route starts where it leaves its source's :class:`Trunk`.
    """

    width: float
    height: float
    boxes: dict[str, Rect]
    routes: list[list[Point]]
    labels: list[Rect | None]
    trunks: list[Trunk]


@record
class _Item:
    kind: str  # node, label or chain
    rank: int
    lo: float  # extent before the anchor along the order axis
    hi: float  # extent after it
    thick: float  # extent along the rank axis
    node: str | None = None
    pos: float = 0.0
    up: list[int] = field(default_factory=list)
    down: list[int] = field(default_factory=list)


def assign_layers(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """A layer per node such that every edge goes down (back edges of cycles are reversed)."""
    oriented = orient(nodes, edges)
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    pred: dict[str, list[str]] = {n: [] for n in nodes}
    for u, v in oriented:
        succ[u].append(v)
        pred[v].append(u)
    order = _topological(nodes, succ, pred)
    layer = dict.fromkeys(nodes, 0)
    for node in order:
        for v in succ[node]:
            layer[v] = max(layer[v], layer[node] + 1)
    for node in reversed(order):
        if not pred[node] and succ[node]:
            layer[node] = min(layer[v] for v in succ[node]) - 1
    low = min(layer.values(), default=0)
    return {node: value - low for node, value in layer.items()}


def orient(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The edges without self-loops, with the back edges of a depth-first search reversed."""
    unique = list(dict.fromkeys((u, v) for u, v in edges if u != v))
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for u, v in unique:
        succ[u].append(v)
    back = _back_edges(nodes, succ)
    return list(dict.fromkeys((v, u) if (u, v) in back else (u, v) for u, v in unique))


def _back_edges(nodes: Sequence[str], succ: dict[str, list[str]]) -> set[tuple[str, str]]:
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    back: set[tuple[str, str]] = set()
    for root in nodes:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(succ[child])))
    return back


def _topological(nodes: Sequence[str], succ: dict[str, list[str]], pred: dict[str, list[str]]) -> list[str]:
    indegree = {n: len(pred[n]) for n in nodes}
    ready = [n for n in nodes if indegree[n] == 0]
    order: list[str] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for v in succ[node]:
            indegree[v] -= 1
            if indegree[v] == 0:
                ready.append(v)
    return order


def compute(
    nodes: Sequence[str],
    sizes: dict[str, tuple[float, float]],
    links: Sequence[Link],
    direction: str = "TB",
) -> Layout:
    """Lay out ``nodes`` (screen sizes in ``sizes``) and ``links``; ``direction`` is TB or LR."""
    return _Engine(nodes, sizes, links, direction == "LR").run()


class _Engine:
    """One layout computation; the stages are the methods called by :meth:`run`."""

    def __init__(
        self, nodes: Sequence[str], sizes: dict[str, tuple[float, float]], links: Sequence[Link], lr: bool
    ) -> None:
        self.nodes = list(nodes)
        self.sizes = sizes
        self.links = list(links)
        self.lr = lr
        self.items: list[_Item] = []
        self.node_item: dict[str, int] = {}
        self.paths: list[list[int]] = []
        self.flipped: list[bool] = []
        self.ranks: list[list[int]] = []
        self.band: list[tuple[float, float]] = []
        self.chains: dict[tuple[str, bool], list[int]] = {}
        self.connected: set[tuple[int, int]] = set()
        self.laned: set[tuple[str, bool]] = set()  # (source, flipped) groups drawn in a side lane
        self.lanes: dict[int, tuple[str, bool]] = {}  # link number -> its lane's group
        self.lane_pos: dict[tuple[str, bool], float] = {}

    def run(self) -> Layout:
        layers = assign_layers(self.nodes, ((link.source, link.target) for link in self.links))
        self._make_items(layers)
        self._order()
        self._place()
        self._bands()
        return self._result()

    # -- items and ranks -------------------------------------------------------

    def _order_extent(self, size: tuple[float, float]) -> float:
        return size[1] if self.lr else size[0]

    def _rank_extent(self, size: tuple[float, float]) -> float:
        return size[0] if self.lr else size[1]

    def _make_items(self, layers: dict[str, int]) -> None:
        loops = {link.source for link in self.links if link.source == link.target}
        for node in self.nodes:
            size = self.sizes[node]
            half = self._order_extent(size) / 2
            extra = LOOP + 4 if node in loops else 0.0
            item = _Item("node", 2 * layers[node], half, half + extra, self._rank_extent(size), node)
            self.node_item[node] = self._add(item)
        self.laned = self._laned_groups(layers)
        for link in self.links:
            self._make_path(link, layers)

    def _laned_groups(self, layers: dict[str, int]) -> set[tuple[str, bool]]:
        """The (source, flipped) groups of long edges drawn in a side lane instead of through dummy points.

        A group's cost is its longest edge (its shared chain of points) plus, for
        back edges, every edge's length (each route runs along the chain). The
        cheapest groups get chains while the budget lasts, so ordinary graphs
        never see a lane.
        """
        longest: dict[tuple[str, bool], int] = {}
        total: dict[tuple[str, bool], int] = {}
        for link in self.links:
            flipped = layers[link.source] > layers[link.target]
            upper, lower = (link.target, link.source) if flipped else (link.source, link.target)
            needed = 2 * (layers[lower] - layers[upper]) - 2
            if needed > 0:
                group = (upper, flipped)
                longest[group] = max(longest.get(group, 0), needed)
                total[group] = total.get(group, 0) + needed
        costs = {group: size + (total[group] if group[1] else 0) for group, size in longest.items()}
        per_item, constant = CHAIN_BUDGET
        budget = per_item * (len(self.nodes) + len(self.links)) + constant
        laned: set[tuple[str, bool]] = set()
        for group, cost in sorted(costs.items(), key=lambda entry: (entry[1], entry[0])):
            if laned or cost > budget:
                laned.add(group)
            else:
                budget -= cost
        return laned

    def _add(self, item: _Item) -> int:
        self.items.append(item)
        rank = item.rank
        while len(self.ranks) <= rank:
            self.ranks.append([])
        self.ranks[rank].append(len(self.items) - 1)
        return len(self.items) - 1

    def _connect(self, upper: int, lower: int) -> None:
        if (upper, lower) not in self.connected:
            self.connected.add((upper, lower))
            self.items[upper].down.append(lower)
            self.items[lower].up.append(upper)

    def _make_path(self, link: Link, layers: dict[str, int]) -> None:
        """The items a link passes: source, its chain (shared by the source's long edges), label, target.

        A forward link's path lists only the last chain item it uses (the rest is
        the source's trunk), so paths stay short however long the edges are.
        """
        a, b = link.source, link.target
        flipped = layers[a] > layers[b]
        if flipped:
            a, b = b, a
        self.flipped.append(flipped)
        if a == b:
            self.paths.append([self.node_item[a]])
            return
        needed = 2 * (layers[b] - layers[a]) - 2  # ranks between the source and the label
        if needed > 0 and (a, flipped) in self.laned:  # no chain: the route goes down the group's lane
            self.lanes[len(self.paths)] = (a, flipped)
            label = self._add(self._label_item(link.label, 2 * layers[b] - 1))
            self._connect(label, self.node_item[b])
            self.paths.append([self.node_item[a], label, self.node_item[b]])
            return
        chain = self._chain(a, flipped, needed)
        label = self._add(self._label_item(link.label, 2 * layers[b] - 1))
        head = [self.node_item[a], *(chain[:needed] if flipped else chain[needed - 1 : needed])]
        self._connect(head[-1] if needed else head[0], label)
        self._connect(label, self.node_item[b])
        self.paths.append([*head, label, self.node_item[b]])

    def _chain(self, node: str, flipped: bool, needed: int) -> list[int]:
        chain = self.chains.setdefault((node, flipped), [])
        source = self.node_item[node]
        while len(chain) < needed:
            rank = self.items[source].rank + 1 + len(chain)
            item = self._add(_Item("chain", rank, 0.0, 0.0, 0.0))
            self._connect(chain[-1] if chain else source, item)
            chain.append(item)
        return chain

    def _label_item(self, size: tuple[float, float], rank: int) -> _Item:
        width, height = size
        if width <= 0:
            return _Item("label", rank, 0.0, 0.0, 0.0)
        if self.lr:
            return _Item("label", rank, height + LABEL_PAD, 0.0, width + 2 * LABEL_PAD)
        return _Item("label", rank, 0.0, width + 2 * LABEL_PAD, height)

    # -- crossing reduction ----------------------------------------------------

    def _order(self) -> None:
        """Order each rank: from a few starting orders (one for big graphs), keep the fewest crossings."""
        given = [list(rank) for rank in self.ranks]
        starts = (True, False, None) if len(self.items) <= MULTI_START_ITEMS else (True,)
        best: list[list[int]] = given
        fewest = -1
        for start in starts:
            self.ranks = [list(rank) for rank in given]
            if start is not None:
                self._depth_first(last_child_first=start)
            crossings = self._sweeps()
            if fewest < 0 or crossings < fewest:
                best, fewest = [list(rank) for rank in self.ranks], crossings
            if fewest == 0:
                break
        self.ranks = best
        self._renumber()

    def _depth_first(self, last_child_first: bool) -> None:
        """Starting order: items in the order a depth-first walk from the sources meets them."""
        seen: set[int] = set()
        order: list[list[int]] = [[] for _ in self.ranks]
        for root in (i for rank in self.ranks for i in rank if not self.items[i].up):
            stack = [root]
            while stack:
                index = stack.pop()
                if index in seen:
                    continue
                seen.add(index)
                order[self.items[index].rank].append(index)
                children = self.items[index].down
                stack.extend(children if last_child_first else reversed(children))
        self.ranks = [
            found + [i for i in rank if i not in seen] for found, rank in zip(order, self.ranks, strict=True)
        ]

    def _sweeps(self) -> int:
        """Barycenter sweeps down and up, then transpositions; keeps the best order, returns its crossings."""
        self._renumber()
        best = [list(rank) for rank in self.ranks]
        best_crossings = self._crossings()
        for _ in range(SWEEPS):
            if best_crossings == 0:
                break
            self._sweep(range(1, len(self.ranks)), lambda item: item.up)
            self._sweep(range(len(self.ranks) - 2, -1, -1), lambda item: item.down)
            self._transpose()
            crossings = self._crossings()
            if crossings < best_crossings:
                best, best_crossings = [list(rank) for rank in self.ranks], crossings
        self.ranks = best
        self._renumber()
        return best_crossings

    def _renumber(self) -> None:
        for rank in self.ranks:
            for index, item in enumerate(rank):
                self.items[item].pos = float(index)

    def _sweep(self, ranks: Iterable[int], pick: Callable[[_Item], list[int]]) -> None:
        """Sort each rank by the mean position of its neighbours; items with none keep their slot."""
        items = self.items
        for number in ranks:
            rank = self.ranks[number]
            movable = sorted(
                (i for i in rank if pick(items[i])), key=lambda i: _barycenter(items, pick(items[i]))
            )
            moved = iter(movable)
            rank[:] = [next(moved) if pick(items[i]) else i for i in rank]
            for index, item in enumerate(rank):
                items[item].pos = float(index)

    def _transpose(self) -> None:
        """Swap neighbours in a rank while that removes crossings (a bounded number of passes)."""
        items = self.items
        for _ in range(TRANSPOSE_PASSES):
            swapped = False
            for rank in self.ranks:
                for index in range(len(rank) - 1):
                    left, right = items[rank[index]], items[rank[index + 1]]
                    kept, swapped_count = _pair_crossings(items, left, right)
                    if swapped_count < kept:
                        rank[index], rank[index + 1] = rank[index + 1], rank[index]
                        left.pos, right.pos = right.pos, left.pos
                        swapped = True
            if not swapped:
                return

    def _crossings(self) -> int:
        total = 0
        for rank in self.ranks[:-1]:
            pairs = sorted((self.items[u].pos, self.items[v].pos) for u in rank for v in self.items[u].down)
            total += _inversions([int(v) for _, v in pairs])
        return total

    # -- coordinates -----------------------------------------------------------

    def _place(self) -> None:
        for rank in self.ranks:
            _pack(self.items, rank)
        for number in range(PLACEMENT_PASSES):
            downward = number % 2 == 0
            order = range(len(self.ranks)) if downward else range(len(self.ranks) - 1, -1, -1)
            for rank_number in order:
                self._pull(self.ranks[rank_number], downward, number == PLACEMENT_PASSES - 1)
        low = min((item.pos - item.lo for item in self.items), default=0.0)
        for item in self.items:
            item.pos += MARGIN - low

    def _pull(self, rank: list[int], downward: bool, both: bool) -> None:
        items = self.items
        targets, weights = [], []
        for index in rank:
            item = items[index]
            near = item.up + item.down if both else (item.up if downward else item.down)
            targets.append(sum(items[n].pos for n in near) / len(near) if near else item.pos)
            weights.append(WEIGHTS[item.kind])
        gaps = [_gap(items[a], items[b]) for a, b in pairwise(rank)]
        for index, value in zip(rank, _isotonic(targets, weights, gaps), strict=True):
            items[index].pos = value

    def _bands(self) -> None:
        start = MARGIN
        for rank in self.ranks:
            thick = max((self.items[i].thick for i in rank), default=0.0)
            self.band.append((start, start + thick))
            start += thick + self._rank_gap(rank)

    def _rank_gap(self, rank: list[int]) -> float:
        shift = max(
            (abs(self.items[i].pos - self.items[j].pos) for i in rank for j in self.items[i].down), default=0
        )
        return min(MAX_RANK_GAP, MIN_RANK_GAP + 0.12 * shift)

    # -- output ----------------------------------------------------------------

    def _result(self) -> Layout:
        boxes = {node: self._box(index) for node, index in self.node_item.items()}
        ports = self._ports()
        right = self._place_lanes()
        routes = [self._route(number, path, ports) for number, path in enumerate(self.paths)]
        labels = [self._label(path) for path in self.paths]
        right += MARGIN
        bottom = (self.band[-1][1] if self.band else 0.0) + MARGIN
        width, height = (bottom, right) if self.lr else (right, bottom)
        return Layout(round(width, 1), round(height, 1), boxes, routes, labels, self._trunks(ports))

    def _place_lanes(self) -> float:
        """Put the side lanes right of everything, in the order of their sources; the drawing's extent."""
        right = max((item.pos + item.hi for item in self.items), default=0.0)
        groups = sorted(self.laned, key=lambda group: (self.items[self.node_item[group[0]]].pos, group))
        for group in groups:
            right += DUMMY_GAP
            self.lane_pos[group] = right
        return right

    def _lane_route(self, number: int, path: list[int], ports: dict[tuple[int, int], float]) -> list[Point]:
        """Out of the source, along the gap under its rank to its lane, down the lane, along the gap
        above the label's rank to the label, and into the target: only gaps and lanes, never a box."""
        first, label, last = (self.items[index] for index in path)
        lane = self.lane_pos[self.lanes[number]]
        start = first.pos + 0.6 * min(first.lo, first.hi)
        below, above = self._gap(first.rank), self._gap(label.rank - 1)
        end = ports[(path[-1], path[-2])]
        points = [
            (start, self._box_edge(first, far=True)), (start, below), (lane, below), (lane, above),
            (label.pos, above), (label.pos, self.band[label.rank][1]),
            (end, self.band[last.rank][0]), (end, self._box_edge(last, far=False)),
        ]  # fmt: skip
        screen = [self._screen(o, r) for o, r in _dedupe(points)]
        return screen[::-1] if self.flipped[number] else screen

    def _gap(self, rank: int) -> float:
        """The middle of the empty gap between ``rank`` and the next one (along the rank axis)."""
        return (self.band[rank][1] + self.band[rank + 1][0]) / 2

    def _chained(self, number: int) -> bool:
        """True for a link that leaves its source along the source's trunk."""
        path = self.paths[number]
        return len(path) > 3 and not self.flipped[number]

    def _trunks(self, ports: dict[tuple[int, int], float]) -> list[Trunk]:
        groups: dict[int, list[int]] = {}
        for number, path in enumerate(self.paths):
            if self._chained(number):
                groups.setdefault(path[0], []).append(number)
        trunks = []
        for source, numbers in groups.items():
            item = self.items[source]
            chain = self.chains[(str(item.node), False)]
            start = ports[(source, chain[0])]
            points = [(start, self._box_edge(item, far=True)), (start, self.band[item.rank][1])]
            for index in chain:
                link = self.items[index]
                points += [(link.pos, self.band[link.rank][0]), (link.pos, self.band[link.rank][1])]
            trunks.append(Trunk([self._screen(o, r) for o, r in _dedupe(points)], numbers))
        return trunks

    def _screen(self, order: float, rank: float) -> Point:
        return (round(rank, 1), round(order, 1)) if self.lr else (round(order, 1), round(rank, 1))

    def _box(self, index: int) -> Rect:
        item = self.items[index]
        assert item.node is not None
        size = self.sizes[item.node]
        top, bottom = self.band[item.rank]
        rank_start = top + (bottom - top - item.thick) / 2
        half = self._order_extent(size) / 2
        x, y = self._screen(item.pos - half, rank_start)
        return Rect(x, y, round(size[0], 1), round(size[1], 1))

    def _ports(self) -> dict[tuple[int, int], float]:
        """Where each edge leaves or enters a box, spread along the box's side."""
        ports: dict[tuple[int, int], float] = {}
        for index in self.node_item.values():
            item = self.items[index]
            size = 2 * min(item.lo, item.hi) * 0.6
            for near in (item.down, item.up):
                ordered = sorted(near, key=lambda n: self.items[n].pos)
                for number, other in enumerate(ordered):
                    offset = size * ((number + 0.5) / len(ordered) - 0.5)
                    ports[(index, other)] = item.pos + offset
        return ports

    def _route(self, number: int, path: list[int], ports: dict[tuple[int, int], float]) -> list[Point]:
        if len(path) == 1:
            return self._loop(path[0])
        if number in self.lanes:
            return self._lane_route(number, path, ports)
        first, last = self.items[path[0]], self.items[path[-1]]
        end = ports[(path[-1], path[-2])]
        if self._chained(number):  # starts where it leaves the trunk
            branch = self.items[path[-3]]
            points, middle = [(branch.pos, self.band[branch.rank][1])], path[-2:-1]
        else:
            start = ports[(path[0], path[1])]
            points = [(start, self._box_edge(first, far=True)), (start, self.band[first.rank][1])]
            middle = path[1:-1]
        for index in middle:
            item = self.items[index]
            points += [(item.pos, self.band[item.rank][0]), (item.pos, self.band[item.rank][1])]
        points += [(end, self.band[last.rank][0]), (end, self._box_edge(last, far=False))]
        screen = [self._screen(o, r) for o, r in _dedupe(points)]
        return screen[::-1] if self.flipped[number] else screen

    def _box_edge(self, item: _Item, far: bool) -> float:
        top, bottom = self.band[item.rank]
        start = top + (bottom - top - item.thick) / 2
        return start + item.thick if far else start

    def _loop(self, index: int) -> list[Point]:
        item = self.items[index]
        top, bottom = self.band[item.rank]
        middle = (top + bottom) / 2
        side = item.pos + item.hi - LOOP - 4
        points = [
            (side, middle - 5),
            (side + LOOP, middle - 5),
            (side + LOOP, middle + 5),
            (side, middle + 5),
        ]
        return [self._screen(o, r) for o, r in points]

    def _label(self, path: list[int]) -> Rect | None:
        if len(path) < 3:
            return None
        item = self.items[path[-2]]
        if item.thick <= 0:
            return None
        top, bottom = self.band[item.rank]
        if self.lr:
            width = item.thick - 2 * LABEL_PAD
            x, y = top + LABEL_PAD, item.pos - item.lo
            return Rect(round(x, 1), round(y, 1), round(width, 1), round(item.lo - LABEL_PAD, 1))
        x, y = item.pos + LABEL_PAD, top + (bottom - top - item.thick) / 2
        return Rect(round(x, 1), round(y, 1), round(item.hi - 2 * LABEL_PAD, 1), round(item.thick, 1))


def _barycenter(items: list[_Item], near: list[int]) -> float:
    return sum(items[n].pos for n in near) / len(near)


def _pair_crossings(items: list[_Item], left: _Item, right: _Item) -> tuple[int, int]:
    """Crossings between the edges of two neighbours: with ``left`` first, and swapped.

    Each of ``left``'s edges is counted against ``right``'s sorted neighbour
    positions by bisection, not pair by pair: two neighbours with thousands of
    edges each cost ``O(n log n)``, not ``O(n²)``.
    """
    kept = swapped = 0
    for left_near, right_near in ((left.up, right.up), (left.down, right.down)):
        if not left_near or not right_near:
            continue
        others = sorted(items[m].pos for m in right_near)
        for n in left_near:
            position = items[n].pos
            kept += bisect_left(others, position)
            swapped += len(others) - bisect_right(others, position)
    return kept, swapped


def _inversions(values: list[int]) -> int:
    """Pairs out of order in ``values`` (a Fenwick tree: O(n log n))."""
    size = max(values, default=0) + 2
    tree = [0] * (size + 1)
    count = 0
    for seen, value in enumerate(values):
        index = value + 1
        below = 0
        while index > 0:
            below += tree[index]
            index -= index & -index
        count += seen - below
        index = value + 1
        while index <= size:
            tree[index] += 1
            index += index & -index
    return count


def _gap(left: _Item, right: _Item) -> float:
    space = NODE_GAP if left.kind == "node" and right.kind == "node" else DUMMY_GAP
    return left.hi + space + right.lo


def _pack(items: list[_Item], rank: list[int]) -> None:
    position = 0.0
    for number, index in enumerate(rank):
        if number:
            position += _gap(items[rank[number - 1]], items[index])
        items[index].pos = position


def _isotonic(targets: list[float], weights: list[float], gaps: list[float]) -> list[float]:
    """Positions closest to ``targets`` (weighted least squares) keeping ``gaps`` between neighbours.

    With ``y_i = x_i - offset_i`` the constraints become ``y`` non-decreasing, which the
    pool-adjacent-violators algorithm solves in linear time.
    """
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    blocks: list[list[float]] = []  # [weight, weighted sum, count]
    for target, weight, offset in zip(targets, weights, offsets, strict=True):
        blocks.append([weight, weight * (target - offset), 1])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][0] >= blocks[-1][1] / blocks[-1][0]:
            weight_, total, count = blocks.pop()
            blocks[-1][0] += weight_
            blocks[-1][1] += total
            blocks[-1][2] += count
    values: list[float] = []
    for weight, total, count in blocks:
        values.extend([total / weight] * int(count))
    return [value + offset for value, offset in zip(values, offsets, strict=True)]


def _dedupe(points: list[Point]) -> list[Point]:
    unique = [points[0]]
    for point in points[1:]:
        if abs(point[0] - unique[-1][0]) > 1e-6 or abs(point[1] - unique[-1][1]) > 1e-6:
            unique.append(point)
    return unique
