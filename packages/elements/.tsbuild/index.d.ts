export declare const placeholder = true;
