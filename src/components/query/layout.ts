/** Widths shared by the editor's rows (in Grafana's 8 px grid units), so labels and inputs line up. */
export const LABEL_WIDTH = 14;
export const INPUT_WIDTH = 24;
